using System.Reflection;
using FastAgi.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FastAgi.Cli;

/// <summary>The <c>fastagi</c> command line: <c>serve</c> runs the FastAGI server with the demo scripts, <c>call</c> plays Asterisk against a server.</summary>
internal static class CommandLine
{
    /// <summary>The exit code of a command line that is not understood: an unknown command or option, or a bad value or setting.</summary>
    public const int UsageError = 2;

    /// <summary>The exit code of <c>fastagi serve</c> when the server cannot start (the address is in use, for example).</summary>
    public const int StartFailed = 1;

    private const string Usage = """
        Usage:
          fastagi serve [options]      Run the FastAGI server with the demo scripts (default 0.0.0.0:4573).
          fastagi call URL [options]   Play Asterisk 22 against a FastAGI server: send a call to URL, answer its commands
                                       as Asterisk would, and print the conversation as it happens.
          fastagi agi SCRIPT [ARGS]    Run a demo script as classic AGI, started by Asterisk for one call:
                                       AGI(/usr/local/bin/fastagi,agi,hello) in the dialplan.
          fastagi --version            Print the version.
          fastagi COMMAND --help       Print the options of a command.
        """;

    private const string ServeUsage = """
        Usage: fastagi serve [options]
          Runs the FastAGI server with the demo scripts hello, bench/seed and bench/chatty.
          --listen ADDRESS:PORT   where to listen (default 0.0.0.0:4573); a comma-separated list for several
          --http ADDRESS:PORT     serve /healthz, /readyz and /metrics (Prometheus) there, such as 127.0.0.1:9464 (default: off)
          --SECTION:KEY=VALUE     any setting, such as --FastAgi:ShutdownTimeout=00:01:00 or --Logging:LogLevel:Default=Debug
          -h, --help              print this help
        Settings also come from appsettings.json beside the tool and from environment variables (FastAgi__Listen=127.0.0.1:4573).
        Exit codes: 0 stopped (SIGTERM or Ctrl+C); 1 could not start (the address is in use); 2 a bad option or setting.
        """;

    private const string CallUsage = """
        Usage: fastagi call URL|PROGRAM [options]
          URL: agi://HOST[:PORT][/SCRIPT[?QUERY]], as in AGI(); the port defaults to 4573.
          PROGRAM: a path such as /opt/myivr/MyIvr or ./myivr: a classic AGI program, started as Asterisk starts it
          (the --arg values as its arguments and agi_arg_N, stdin and stdout the AGI pipes, SIGHUP for the hangup).
          --arg VALUE        an AGI argument (agi_arg_1, agi_arg_2, ...); repeat for more
          --digits DIGITS    keys the caller presses when the script waits for input (0-9 * # A-D)
          --callerid NUMBER  the caller's number (agi_callerid)
          --env NAME=VALUE   any agi_* environment value
          --var NAME=VALUE   a channel variable the script can read
          --timeout SECONDS  how long to wait for each command and for the server to close (default 10)
          --interactive      type each reply: Enter for Asterisk's own, digits for the caller's keys, 'hangup',
                             or a raw reply such as 200 result=1 (x)
          --verbose          also print the environment block
          -h, --help         print this help
        Exit codes: 0 the server closed the connection; 1 it ended the AGI with 'failure' (AGISTATUS=FAILURE);
        2 a bad option; 3 it misbehaved (pipelining, a malformed command, not closing within the timeout); 4 no connection.
        Example: fastagi call agi://127.0.0.1:4573/ivr/main?lang=fr --arg 1000 --digits 12#
        """;

    private const string AgiUsage = """
        Usage: fastagi agi SCRIPT [ARGS]
          Runs one call as classic AGI: Asterisk starts the process with AGI(/usr/local/bin/fastagi,agi,SCRIPT,ARGS...),
          writes the environment on stdin and reads the commands on stdout. SCRIPT is a demo script (hello, bench/seed,
          bench/chatty) and may carry a query (hello?lang=fr); ARGS are its AGI arguments. Logs go to stderr; SIGHUP is the
          hangup. Settings come from appsettings.json beside the tool and from FastAgi__* environment variables.
        Exit codes: 0 the call ran (or the caller hung up); 1 the script failed or no script matched (AGISTATUS=FAILURE);
        2 no environment on stdin (not started by Asterisk).
        """;

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error, Console.In);

    /// <summary>Runs the command line with the given console streams.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TextReader input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length == 0)
        {
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return UsageError;
        }

        switch (args[0])
        {
            case "-h" or "--help" or "help":
                await output.WriteLineAsync(Usage).ConfigureAwait(false);
                return 0;
            case "--version":
                await output.WriteLineAsync(Version).ConfigureAwait(false);
                return 0;
            case "call":
                if (IsHelp(args.AsSpan(1)))
                {
                    await output.WriteLineAsync(CallUsage).ConfigureAwait(false);
                    return 0;
                }

                CallOptions options;
                try
                {
                    options = CallOptions.Parse(args.AsSpan(1));
                }
                catch (ArgumentException ex)
                {
                    return await UsageErrorAsync(error, "call", ex.Message).ConfigureAwait(false);
                }

                return await CallCommand.RunAsync(options, output, error, input, cancellationToken).ConfigureAwait(false);
            case "serve":
                if (IsHelp(args.AsSpan(1)))
                {
                    await output.WriteLineAsync(ServeUsage).ConfigureAwait(false);
                    return 0;
                }

                string[] hostArgs;
                try
                {
                    hostArgs = TranslateServeOptions(args.AsSpan(1));
                }
                catch (ArgumentException ex)
                {
                    return await UsageErrorAsync(error, "serve", ex.Message).ConfigureAwait(false);
                }

                return await ServeAsync(hostArgs, error, cancellationToken).ConfigureAwait(false);
            case "agi":
                if (args.Length < 2 || IsHelp(args.AsSpan(1)))
                {
                    await (args.Length < 2 ? error : output).WriteLineAsync(AgiUsage).ConfigureAwait(false);
                    return args.Length < 2 ? UsageError : 0;
                }

                return await ClassicAsync(cancellationToken).ConfigureAwait(false);
            default:
                await error.WriteLineAsync($"fastagi: unknown command '{args[0]}'; the commands are serve, call and agi (fastagi --help).").ConfigureAwait(false);
                return UsageError;
        }
    }

    /// <summary>
    /// <c>fastagi agi SCRIPT</c>: one classic AGI call on stdin and stdout with the demo scripts. Asterisk passes the AGI()
    /// arguments as the process's, and as agi_arg_1 (<c>agi</c>), agi_arg_2 (the script) and so on: the script is the second.
    /// </summary>
    private static async Task<int> ClassicAsync(CancellationToken cancellationToken)
    {
        HostApplicationBuilder builder = Classic.AgiClassic.CreateApplicationBuilder([]);
        builder.Services.AddFastAgi(builder.Configuration.GetSection("FastAgi")).MapDemoScripts();
        using IHost host = builder.Build();
        return await Classic.AgiClassic.RunAsync(host.Services, routeArgument: 2, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tool's version, from its assembly.</summary>
    public static string Version
    {
        get
        {
            string? informational = typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            return "fastagi " + (informational ?? typeof(CommandLine).Assembly.GetName().Version?.ToString() ?? "0.0.0");
        }
    }

    /// <summary>
    /// Builds the host of <c>fastagi serve</c>: configuration from appsettings.json, environment variables and the command line.
    /// With <c>Http:Listen</c> set it is an ASP.NET Core host that also serves <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.
    /// </summary>
    /// <exception cref="FormatException"><c>Http:Listen</c> is not an address and port.</exception>
    public static IHost BuildServeHost(string[] hostArgs)
    {
        string? http = ServeEndpoints.HttpListen(hostArgs);
        if (string.IsNullOrWhiteSpace(http))
        {
            HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                Args = hostArgs,
                ContentRootPath = AppContext.BaseDirectory,
            });
            ConfigureServe(builder);
            return builder.Build();
        }

        System.Net.IPEndPoint endpoint = ServeEndpoints.ParseHttpListen(http);
        return ServeEndpoints.BuildWebHost(hostArgs, endpoint, ConfigureServe);
    }

    private static void ConfigureServe(IHostApplicationBuilder builder)
    {
        // A start that fails is reported as one line by ServeAsync; the host's own error line would repeat it with a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Services.AddFastAgi(builder.Configuration.GetSection("FastAgi")).MapDemoScripts().AddHealthChecks();

        // Under systemd: READY=1 once every listener is bound, STOPPING=1 when the drain begins. AddSystemd() looks for
        // systemd as the parent; other supervisors that speak sd_notify (podman --sdnotify, a container's init) only set
        // NOTIFY_SOCKET, so that is enough too.
        builder.Services.AddSystemd();
        if (!Microsoft.Extensions.Hosting.Systemd.SystemdHelpers.IsSystemdService() && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")))
        {
            builder.Services.AddSingleton<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier, Microsoft.Extensions.Hosting.Systemd.SystemdNotifier>();
            builder.Services.AddSingleton<IHostLifetime, Microsoft.Extensions.Hosting.Systemd.SystemdLifetime>();
        }
        ServeEndpoints.AddTracing(builder);
    }

    /// <summary>
    /// Turns <c>--listen X</c> into the configuration key <c>--FastAgi:Listen=X</c> and passes <c>--SECTION:KEY=VALUE</c>
    /// settings through to the host; anything else is refused.
    /// </summary>
    /// <exception cref="ArgumentException">An option is unknown or lacks its value.</exception>
    public static string[] TranslateServeOptions(ReadOnlySpan<string> args)
    {
        var translated = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg == "--listen")
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException("--listen needs a value: ADDRESS:PORT, such as 127.0.0.1:4573.");
                }

                translated.Add($"--FastAgi:Listen={args[++i]}");
            }
            else if (arg.StartsWith("--listen=", StringComparison.Ordinal))
            {
                translated.Add($"--FastAgi:Listen={arg["--listen=".Length..]}");
            }
            else if (arg == "--http")
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException("--http needs a value: ADDRESS:PORT, such as 127.0.0.1:9464.");
                }

                translated.Add($"--Http:Listen={args[++i]}");
            }
            else if (arg.StartsWith("--http=", StringComparison.Ordinal))
            {
                translated.Add($"--Http:Listen={arg["--http=".Length..]}");
            }
            else if (IsSetting(arg))
            {
                translated.Add(arg);
            }
            else
            {
                throw new ArgumentException($"unknown option '{arg}'.");
            }
        }

        return [.. translated];
    }

    private static bool IsHelp(ReadOnlySpan<string> args)
    {
        foreach (string arg in args)
        {
            if (arg is "-h" or "--help")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A configuration override: <c>--Section:Key=Value</c>, with a section, a key and an equals sign.</summary>
    private static bool IsSetting(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal))
        {
            return false;
        }

        int equals = arg.IndexOf('=', StringComparison.Ordinal);
        int colon = arg.IndexOf(':', StringComparison.Ordinal);
        return colon > 2 && equals > colon + 1;
    }

    private static async Task<int> UsageErrorAsync(TextWriter error, string command, string message)
    {
        await error.WriteLineAsync($"fastagi {command}: {message} (fastagi {command} --help)").ConfigureAwait(false);
        return UsageError;
    }

    private static async Task<int> ServeAsync(string[] hostArgs, TextWriter error, CancellationToken cancellationToken)
    {
        IHost host;
        try
        {
            host = BuildServeHost(hostArgs);

            // Reading the options runs their validation: a bad setting is reported before anything starts.
            _ = host.Services.GetRequiredService<IOptions<AgiServerOptions>>().Value;
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or FormatException or InvalidDataException)
        {
            // Validation failures, and configuration values that do not convert (a TimeSpan of "soon"), are settings errors.
            await error.WriteLineAsync($"fastagi serve: {OneLine(ex)}").ConfigureAwait(false);
            return UsageError;
        }

        using (host)
        {
            try
            {
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OptionsValidationException)
            {
                await error.WriteLineAsync($"fastagi serve: {OneLine(ex)}").ConfigureAwait(false);
                return ex is OptionsValidationException ? UsageError : StartFailed;
            }

            await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
    }

    private static string OneLine(Exception ex)
    {
        string message = ex is OptionsValidationException validation ? string.Join("; ", validation.Failures) : ex.Message;
        if (ex.InnerException is { } inner && ex is InvalidOperationException && inner is FormatException or InvalidCastException or OverflowException)
        {
            message += " " + inner.Message;
        }

        return message.ReplaceLineEndings(" ");
    }
}
