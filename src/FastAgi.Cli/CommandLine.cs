using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FastAgi.Cli;

/// <summary>The <c>fastagi</c> command line: <c>serve</c> runs the FastAGI server with the demo scripts.</summary>
internal static class CommandLine
{
    private const string Usage = """
        Usage:
          fastagi serve [--listen ADDRESS:PORT]   Run the FastAGI server with the demo scripts (default 0.0.0.0:4573).

        Settings also come from appsettings.json and environment variables, e.g. FastAgi__Listen=127.0.0.1:4573.
        Scripts served: hello, bench/seed, bench/chatty.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await Console.Out.WriteLineAsync(Usage).ConfigureAwait(false);
            return args.Length == 0 ? 1 : 0;
        }

        if (args[0] != "serve")
        {
            await Console.Error.WriteLineAsync($"Unknown command '{args[0]}'.\n\n{Usage}").ConfigureAwait(false);
            return 1;
        }

        string[] hostArgs;
        try
        {
            hostArgs = TranslateServeOptions(args.AsSpan(1));
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"{ex.Message}\n\n{Usage}").ConfigureAwait(false);
            return 1;
        }

        using IHost host = BuildServeHost(hostArgs);
        await host.RunAsync().ConfigureAwait(false);
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
