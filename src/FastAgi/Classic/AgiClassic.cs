using System.IO.Pipelines;
using System.Runtime.InteropServices;
using FastAgi.Protocol;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace FastAgi.Classic;

/// <summary>
/// Classic AGI: Asterisk starts the program for each call (<c>AGI(/opt/myivr/MyIvr,ivr/main?lang=fr,support)</c>) and talks
/// to it over stdin and stdout. The same scripts, routes, middleware and typed commands run as over FastAGI; the script path
/// (and query) comes from an AGI argument, the first by default, and the arguments after it are the script's; SIGHUP is the
/// hangup, as Asterisk sends it.
/// </summary>
/// <example>
/// <code>
/// HostApplicationBuilder builder = AgiClassic.CreateApplicationBuilder(args);
/// builder.Services.AddFastAgi().MapScript&lt;MainMenu&gt;("ivr/main");
/// return await AgiClassic.RunAsync(builder.Build().Services);
/// </code>
/// </example>
public static class AgiClassic
{
    /// <summary>The exit code of a call that ran, or was answered with a dialplan error: Asterisk reads AGISTATUS from the call itself.</summary>
    public const int Completed = 0;

    /// <summary>The exit code when the script failed, no script matched, or Asterisk's bytes broke the protocol (AGISTATUS=FAILURE as well).</summary>
    public const int Failed = 1;

    /// <summary>The exit code when stdin held no environment block: the program was not started by Asterisk's <c>AGI()</c>.</summary>
    public const int NoCall = 2;

    /// <summary>Cancelled at SIGHUP: the process's one call has hung up.</summary>
    private static readonly CancellationTokenSource Hangup = new();

    private static PosixSignalRegistration? _sighup;
    private static int _servingStandardStreams;

    /// <summary>
    /// Opens EAGI's audio, on fd 3 of a process Asterisk started with <c>EAGI()</c> (<c>agi_enhanced: 1.0</c>): what the
    /// channel receives, the caller's side, as signed 16-bit little-endian PCM, mono, 8 kHz (16,000 bytes a second in
    /// 320-byte frames), or 16 kHz with <c>EAGI_AUDIO_FORMAT=slin16</c>. It flows during commands too, and is lost when not
    /// read. It never ends while the script lives, even after the hangup: stop reading when the hangup token fires.
    /// </summary>
    /// <exception cref="InvalidOperationException">The call did not come from <c>EAGI()</c> through <see cref="RunAsync(IServiceProvider, int, CancellationToken)"/>.</exception>
    public static Stream OpenEagiAudio(AgiSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Request["agi_enhanced"] != "1.0" || Volatile.Read(ref _servingStandardStreams) == 0)
        {
            throw new InvalidOperationException("There is no EAGI audio: the call did not come from EAGI() (agi_enhanced is not 1.0) to a classic AGI program (AgiClassic.RunAsync). FastAGI and AsyncAGI carry no audio.");
        }

        // Asterisk opened the pipe as fd 3 before the program started; the stream does not own it, so that a second open works.
        return new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(3, ownsHandle: false), FileAccess.Read, bufferSize: 0);
    }

    /// <summary>
    /// A host builder for a classic AGI program: as <see cref="Host.CreateApplicationBuilder(string[])"/>, with every log line
    /// on stderr, since stdout carries the AGI commands (Asterisk passes its own stderr, <c>/dev/null</c> when it runs as a daemon).
    /// </summary>
    public static HostApplicationBuilder CreateApplicationBuilder(string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.Configure<ConsoleLoggerOptions>(static console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        return builder;
    }

    /// <summary>
    /// Serves the one call Asterisk started this process for, on stdin and stdout, with the scripts mapped in
    /// <paramref name="services"/> (<c>AddFastAgi</c>; its TCP server is not started), and returns the process's exit code.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="routeArgument">The AGI argument (from 1) that holds the script path and query; 0 routes every call to the empty path (the fallback).</param>
    /// <param name="cancellationToken">Stops waiting for the environment.</param>
    /// <exception cref="InvalidOperationException">A script takes a service that nothing registered.</exception>
    public static Task<int> RunAsync(IServiceProvider services, int routeArgument = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        return RunOnStandardStreamsAsync(services, routeArgument, cancellationToken);
    }

    /// <summary>Serves one classic call on <paramref name="input"/> and <paramref name="output"/>, with <paramref name="hangupSignal"/> for SIGHUP.</summary>
    internal static async Task<int> RunAsync(IServiceProvider services, PipeReader input, Stream output, int routeArgument, CancellationToken hangupSignal, CancellationToken cancellationToken)
    {
        AgiConnectionHandler handler = services.GetRequiredService<AgiConnectionHandler>();
        handler.CheckScriptServices();
        // Completing the writer closes stdout: Asterisk reads the end of the AGI there.
        var transport = new StdioPipe(input, PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: false)));
        var context = new AgiConnectionContext
        {
            HangupSignal = hangupSignal,
            RequestRewrite = request => RouteFromArgument(request, routeArgument),
        };
        await handler.HandleAsync(transport, "stdio", context, cancellationToken).ConfigureAwait(false);
        return context.Outcome switch
        {
            null => NoCall,
            "completed" or "hangup" or "shutdown" => Completed,
            _ => Failed,
        };
    }

    /// <summary>The request as FastAGI would have it: the script path and query from argument <paramref name="position"/>, the arguments after it as the script's.</summary>
    internal static AgiRequest RouteFromArgument(AgiRequest request, int position)
    {
        if (position < 1 || request.Arguments.Count < position)
        {
            return request;
        }

        var lines = new List<KeyValuePair<string, string>>(request.Variables.Count);
        foreach (KeyValuePair<string, string> line in request.Variables)
        {
            if (!line.Key.StartsWith("agi_arg_", StringComparison.Ordinal) && line.Key != "agi_network_script")
            {
                lines.Add(line);
            }
        }

        lines.Add(new("agi_network_script", request.Arguments[position - 1]));
        for (int i = position; i < request.Arguments.Count; i++)
        {
            lines.Add(new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"agi_arg_{i - position + 1}"), request.Arguments[i]));
        }

        return new AgiRequest(lines);
    }

    private static async Task<int> RunOnStandardStreamsAsync(IServiceProvider services, int routeArgument, CancellationToken cancellationToken)
    {
        // SIGHUP is how Asterisk reports the hangup to a local script (never a HANGUP line): it fires the hangup token
        // instead of ending the process, so that the script's clean-up runs. With AGISIGHUP=no no signal comes at all.
        // The registration stays for the life of the process: Asterisk also signals after a 'failure' line, and a SIGHUP
        // that came as the call ended would otherwise kill the process and turn its exit code into 129.
        _sighup ??= OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGHUP, static context =>
        {
            context.Cancel = true;
            Hangup.Cancel();
        });
        // A read of stdin cannot be cancelled (the stream blocks in read(2)), and Asterisk keeps stdin open after the hangup:
        // a thread of its own pumps it into a pipe, so that the call can end while that read waits. It dies with the process.
        Volatile.Write(ref _servingStandardStreams, 1);
        var stdin = new Pipe();
        var pump = new Thread(static state => Pump((PipeWriter)state!)) { IsBackground = true, Name = "AGI stdin" };
        pump.Start(stdin.Writer);
        await using Stream output = Console.OpenStandardOutput();
        return await RunAsync(services, stdin.Reader, output, routeArgument, Hangup.Token, cancellationToken).ConfigureAwait(false);
    }

    private static void Pump(PipeWriter writer)
    {
        try
        {
            using Stream input = Console.OpenStandardInput();
            while (true)
            {
                Memory<byte> buffer = writer.GetMemory(4096);
                int read = input.Read(buffer.Span);
                if (read == 0)
                {
                    break;
                }

                writer.Advance(read);
                if (writer.FlushAsync().AsTask().GetAwaiter().GetResult().IsCompleted)
                {
                    break;
                }
            }

            writer.Complete();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            writer.Complete(ex);
        }
    }

    private sealed class StdioPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
