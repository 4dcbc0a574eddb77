using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FastAgi.Cli;

/// <summary>The <c>fastagi</c> command line: <c>serve</c> runs the FastAGI server with the demo scripts, <c>call</c> plays Asterisk against a server.</summary>
internal static class CommandLine
{
    private const string Usage = """
        Usage:
          fastagi serve [--listen ADDRESS:PORT]   Run the FastAGI server with the demo scripts (default 0.0.0.0:4573).
          fastagi call URL [options]              Play Asterisk 22 against a FastAGI server: send a call to URL, answer its
                                                  commands as Asterisk would, and print the conversation as it happens.

        serve: settings also come from appsettings.json and environment variables, e.g. FastAgi__Listen=127.0.0.1:4573.
        Scripts served: hello, bench/seed, bench/chatty.

        call URL: agi://HOST[:PORT][/SCRIPT[?QUERY]], as in AGI(); the port defaults to 4573.
          --arg VALUE        an AGI argument (agi_arg_1, agi_arg_2, ...); repeat for more
          --digits DIGITS    keys the caller presses when the script waits for input (0-9 * # A-D)
          --callerid NUMBER  the caller's number (agi_callerid)
          --env NAME=VALUE   any agi_* environment value
          --var NAME=VALUE   a channel variable the script can read
          --timeout SECONDS  how long to wait for each command and for the server to close (default 10)
          --interactive      type each reply: Enter for Asterisk's own, digits for the caller's keys, 'hangup',
                             or a raw reply such as 200 result=1 (x)
          --verbose          also print the environment block
          Exit codes: 0 the server closed the connection; 2 it ended the AGI with 'failure' (AGISTATUS=FAILURE);
          3 it misbehaved (pipelining, a malformed command, not closing within the timeout); 4 no connection.
          Example: fastagi call agi://127.0.0.1:4573/ivr/main?lang=fr --arg 1000 --digits 12#
        """;

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error, Console.In);

    /// <summary>Runs the command line with the given console streams.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TextReader input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return args.Length == 0 ? 1 : 0;
        }

        if (args[0] == "call")
        {
            CallOptions options;
            try
            {
                options = CallOptions.Parse(args.AsSpan(1));
            }
            catch (ArgumentException ex)
            {
                await error.WriteLineAsync($"{ex.Message}\n\n{Usage}").ConfigureAwait(false);
                return CallCommand.UsageError;
            }

            return await CallCommand.RunAsync(options, output, error, input, cancellationToken).ConfigureAwait(false);
        }

        if (args[0] != "serve")
        {
            await error.WriteLineAsync($"Unknown command '{args[0]}'.\n\n{Usage}").ConfigureAwait(false);
            return 1;
        }

        string[] hostArgs;
        try
        {
            hostArgs = TranslateServeOptions(args.AsSpan(1));
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync($"{ex.Message}\n\n{Usage}").ConfigureAwait(false);
            return 1;
        }

        using IHost host = BuildServeHost(hostArgs);
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Builds the host of <c>fastagi serve</c>: configuration from appsettings.json, environment variables and the command line.</summary>
    public static IHost BuildServeHost(string[] hostArgs)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = hostArgs,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddFastAgi(builder.Configuration.GetSection("FastAgi")).MapDemoScripts();
        return builder.Build();
    }

    /// <summary>Turns <c>--listen X</c> into the configuration key <c>--FastAgi:Listen=X</c>; other arguments pass through to the host.</summary>
    public static string[] TranslateServeOptions(ReadOnlySpan<string> args)
    {
        var translated = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg == "--listen")
            {
                if (i + 1 >= args.Length)
                {
                    throw new ArgumentException("--listen needs a value: ADDRESS:PORT, such as 127.0.0.1:4573.");
                }

                translated.Add($"--FastAgi:Listen={args[++i]}");
            }
            else if (arg.StartsWith("--listen=", StringComparison.Ordinal))
            {
                translated.Add($"--FastAgi:Listen={arg["--listen=".Length..]}");
            }
            else
            {
                translated.Add(arg);
            }
        }

        return [.. translated];
    }
}
