using System.Net;
using System.Net.Sockets;
using FastAgi.Testing;
using FastAgi.Testing.Engine;

namespace FastAgi.Cli;

/// <summary><c>fastagi call</c>: plays Asterisk 22 against a FastAGI server and prints the conversation as it happens.</summary>
internal static class CallCommand
{
    public const int Success = 0;
    public const int FailureLine = 1;
    public const int UsageError = CommandLine.UsageError;
    public const int Misbehaved = 3;
    public const int ConnectionFailed = 4;

    private const string InteractiveHelp = "   (Enter: Asterisk's reply; digits: the caller presses them; 'hangup': the caller hangs up; or type a reply such as 200 result=1)";

    public static async Task<int> RunAsync(CallOptions options, TextWriter output, TextWriter error, TextReader input, CancellationToken cancellationToken = default)
    {
        // A path, not an agi:// URL: a classic AGI program, which this process starts as Asterisk would.
        bool classic = IsProgram(options.Url);
        AgiUrl? url = null;
        IPEndPoint? endpoint = null;
        if (!classic)
        {
            try
            {
                url = AgiUrl.Parse(options.Url);
            }
            catch (FormatException ex)
            {
                await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return UsageError;
            }

            endpoint = await ResolveAsync(url, error, cancellationToken).ConfigureAwait(false);
            if (endpoint is null)
            {
                return ConnectionFailed;
            }
        }

        System.Diagnostics.Process? program = null;
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions
        {
            Timeout = options.Timeout,
            ThrowOnFailure = false,

            // A caller at a command line who has pressed everything hangs up rather than waiting forever.
            EndlessWaitHangsUp = true,

            // Asterisk tells a local script of the hangup with SIGHUP, not a HANGUP line.
            HangupSignal = classic ? () => SendHangup(program) : null,
        });

        try
        {
            Configure(asterisk, url, options);
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return UsageError;
        }

        string? ended = null;
        asterisk.OnTraffic(traffic =>
        {
            if (traffic.Kind == FakeTrafficKind.Note && traffic.Text.StartsWith("the server ", StringComparison.Ordinal))
            {
                ended ??= traffic.Text;
            }

            if (traffic.Kind != FakeTrafficKind.Environment || options.Verbose)
            {
                output.WriteLine(traffic.Kind == FakeTrafficKind.Hangup ? $"{traffic}   ({ExplainHangup(ended)})" : traffic.ToString());
            }
        });
        if (options.Interactive)
        {
            await output.WriteLineAsync(InteractiveHelp).ConfigureAwait(false);
            asterisk.OnCommand((context, token) => AskAsync(context, output, input, token));
        }

        FakeCallResult result;
        if (classic)
        {
            try
            {
                program = StartProgram(options);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                // Asterisk: a missing file is AGISTATUS=NOTFOUND, one it cannot execute FAILURE.
                await error.WriteLineAsync($"Cannot start '{options.Url}': {ex.Message} (Asterisk would answer AGISTATUS={(File.Exists(options.Url) ? "FAILURE" : "NOTFOUND")}).").ConfigureAwait(false);
                return ConnectionFailed;
            }

            using (program)
            {
                await output.WriteLineAsync($"** starting {options.Url} as classic AGI (pid {program.Id})").ConfigureAwait(false);
                var stdio = new ProgramPipes(
                    System.IO.Pipelines.PipeReader.Create(program.StandardOutput.BaseStream),
                    System.IO.Pipelines.PipeWriter.Create(program.StandardInput.BaseStream));
                result = await asterisk.CallAsync(stdio, cancellationToken).ConfigureAwait(false);
                using var exit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                exit.CancelAfter(options.Timeout);
                try
                {
                    // Asterisk waits for the process, without a limit, before the dialplan goes on.
                    await program.WaitForExitAsync(exit.Token).ConfigureAwait(false);
                    await output.WriteLineAsync($"** the program exited with {program.ExitCode}").ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await error.WriteLineAsync($"The program did not exit within {options.Timeout.TotalSeconds:0.###} s of the end of the AGI: Asterisk would hold the channel until it does.").ConfigureAwait(false);
                    program.Kill();
                    return Misbehaved;
                }
            }
        }
        else
        {
            await output.WriteLineAsync($"** calling {url!.Url} at {endpoint}").ConfigureAwait(false);
            result = await asterisk.CallAsync(endpoint!, cancellationToken).ConfigureAwait(false);
        }

        await output.WriteLineAsync($"** call over: {Describe(result.Ending)}; AGISTATUS={result.AgiStatus}; {result.Commands.Count} command(s)").ConfigureAwait(false);
        if (result.Ending == FakeCallEnding.FailureLine && result.VariablesSet.TryGetValue("FASTAGI_ERROR", out string? agiError))
        {
            await output.WriteLineAsync($"** FASTAGI_ERROR={agiError}{ExplainError(agiError)}").ConfigureAwait(false);
        }
        else if (result.Failure is { } failure)
        {
            // The conversation is already on the screen: print the problem, not the copy of it in the message.
            int conversation = failure.IndexOf("Conversation so far:", StringComparison.Ordinal);
            await error.WriteLineAsync((conversation >= 0 ? failure[..conversation] : failure).TrimEnd()).ConfigureAwait(false);
        }

        return result.Ending switch
        {
            FakeCallEnding.ServerClosed or FakeCallEnding.AsteriskClosed when result.Failure is null => Success,
            FakeCallEnding.FailureLine => FailureLine,
            FakeCallEnding.ConnectionFailed => ConnectionFailed,
            _ => Misbehaved,
        };
    }

    private static void Configure(FakeAsterisk asterisk, AgiUrl? url, CallOptions options)
    {
        if (url is null)
        {
            // A local script's block: no agi_network lines, agi_request as written in AGI().
            asterisk.Environment.Remove("agi_network").Remove("agi_network_script").Set("agi_request", options.Url);
        }
        else
        {
            asterisk.Environment.Url(url.Url);
        }

        asterisk.Environment.Arguments([.. options.Arguments]);
        if (options.CallerId is { } callerId)
        {
            asterisk.Environment.CallerId(callerId);
        }

        foreach ((string name, string value) in options.Environment)
        {
            asterisk.Environment.Set(name, value);
        }

        foreach ((string name, string value) in options.Variables)
        {
            asterisk.Channel.Variables[name] = value;
        }

        if (options.Digits.Length > 0)
        {
            asterisk.Caller.Presses(options.Digits);
        }
    }

    private static async ValueTask AskAsync(FakeCommandContext context, TextWriter output, TextReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            await output.WriteAsync("   reply> ").ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            string? line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            string answer = line?.Trim() ?? string.Empty;
            if (answer.Length == 0)
            {
                return;
            }

            if (answer.Equals("hangup", StringComparison.OrdinalIgnoreCase))
            {
                context.HangUp();
                return;
            }

            if (answer.All(static c => CallerInput.ValidDigits.Contains(char.ToUpperInvariant(c), StringComparison.Ordinal)) && !IsReply(answer))
            {
                context.PressDigits(answer);
                return;
            }

            if (IsReply(answer))
            {
                context.Reply(answer);
                return;
            }

            await output.WriteLineAsync(InteractiveHelp).ConfigureAwait(false);
        }
    }

    /// <summary>A path (<c>/opt/myivr/MyIvr</c>, <c>./myivr</c>) rather than a URL of any scheme, which AgiUrl checks.</summary>
    private static bool IsProgram(string target) => !target.Contains("://", StringComparison.Ordinal) && target.Contains('/', StringComparison.Ordinal);

    /// <summary>Starts the program as Asterisk's launch_script does: the AGI() arguments as its own, stdin and stdout the AGI pipes, stderr ours.</summary>
    private static System.Diagnostics.Process StartProgram(CallOptions options)
    {
        var start = new System.Diagnostics.ProcessStartInfo(options.Url, options.Arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        return System.Diagnostics.Process.Start(start) ?? throw new System.ComponentModel.Win32Exception($"'{options.Url}' did not start");
    }

    private static void SendHangup(System.Diagnostics.Process? program)
    {
        if (program is { HasExited: false })
        {
            using var kill = System.Diagnostics.Process.Start("kill", ["-HUP", program.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill?.WaitForExit();
        }
    }

    /// <summary>A reply starts with a three-digit status and a space or dash (<c>200 result=0</c>, <c>520-…</c>).</summary>
    private static bool IsReply(string text) => text.Length >= 4 && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[1]) && char.IsAsciiDigit(text[2]) && text[3] is ' ' or '-';

    private static async Task<IPEndPoint?> ResolveAsync(AgiUrl url, TextWriter error, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(url.Host, out IPAddress? address))
        {
            return new IPEndPoint(address, url.Port);
        }

        try
        {
            IPAddress[] addresses = await Dns.GetHostAddressesAsync(url.Host, cancellationToken).ConfigureAwait(false);
            if (addresses.Length > 0)
            {
                return new IPEndPoint(addresses[0], url.Port);
            }
        }
        catch (SocketException ex)
        {
            await error.WriteLineAsync($"Cannot resolve '{url.Host}': {ex.Message}").ConfigureAwait(false);
            return null;
        }

        await error.WriteLineAsync($"Cannot resolve '{url.Host}': no address.").ConfigureAwait(false);
        return null;
    }

    private static string ExplainError(string error) => error switch
    {
        "NOTFOUND" => ": no script is mapped to that path on the server",
        "EXCEPTION" => ": the script threw; the server's log has the exception",
        "BUSY" => ": the server is at its limit of concurrent calls",
        "SHUTDOWN" => ": the server is stopping",
        "TIMEOUT" => ": the call reached the server's maximum call duration",
        _ => string.Empty,
    };

    /// <summary>Why Asterisk sent a <c>HANGUP</c> line: a hangup notice during the AGI, or the one it writes when the AGI ends.</summary>
    private static string ExplainHangup(string? ended) => ended switch
    {
        null => "Asterisk's hangup notice: the channel has hung up, so from here only commands that work on a dead channel succeed",
        _ when ended.Contains("'failure'", StringComparison.Ordinal) => "Asterisk's answer to 'failure': it leaves the AGI, AGISTATUS=FAILURE",
        _ => "Asterisk's closing HANGUP: it writes one when the AGI ends (unless AGISIGHUP=no), whatever the channel's state",
    };

    private static string Describe(FakeCallEnding ending) => ending switch
    {
        FakeCallEnding.ServerClosed => "the server closed the connection",
        FakeCallEnding.FailureLine => "the server ended the AGI with a 'failure' line",
        FakeCallEnding.AsteriskClosed => "Asterisk left the AGI",
        FakeCallEnding.UnexpectedCommand => "unexpected command",
        FakeCallEnding.ProtocolViolation => "the server broke the protocol",
        FakeCallEnding.TimedOut => "timed out",
        FakeCallEnding.Blocked => "a command could not finish",
        _ => "the connection failed",
    };

    /// <summary>The program's stdout to read and its stdin to write, as Asterisk's two AGI pipes.</summary>
    private sealed class ProgramPipes(System.IO.Pipelines.PipeReader input, System.IO.Pipelines.PipeWriter output) : System.IO.Pipelines.IDuplexPipe
    {
        public System.IO.Pipelines.PipeReader Input { get; } = input;

        public System.IO.Pipelines.PipeWriter Output { get; } = output;
    }
}
