using FastAgi.Hosting;
using FastAgi.Server;

namespace FastAgi.Cli;

/// <summary>The scripts <c>fastagi serve</c> runs: a hello-world call and the two benchmark workloads.</summary>
internal static class DemoScripts
{
    public static FastAgiBuilder MapDemoScripts(this FastAgiBuilder builder)
        => builder
            .MapScript("hello", PlayPromptsAsync)
            .MapScript("bench/seed", PlayPromptsAsync)
            .MapScript("bench/chatty", ChattyAsync);

    /// <summary>Three prompts, any of which the caller may skip with #, then hang up.</summary>
    public static async Task PlayPromptsAsync(AgiSession session, CancellationToken cancellationToken)
    {
        foreach (string prompt in (string[])["hello-world", "tt-monkeys", "goodbye"])
        {
            await session.SendCommandAsync("STREAM FILE", [prompt, "#"], cancellationToken).ConfigureAwait(false);
        }

        await session.SendCommandAsync("HANGUP", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a channel variable 1000 times, then hangs up: a command-heavy call.</summary>
    /// <remarks>
    /// The workload is one round trip per command, as the load generator and the raw C server play it, so the value is read
    /// line-framed: its value is known to hold no line feed. A script reading values it does not control keeps the default
    /// framing, which fences them (one more round trip each; docs/benchmarks.md).
    /// </remarks>
    public static async Task ChattyAsync(AgiSession session, CancellationToken cancellationToken)
    {
        string[] variable = ["V"];
        for (int i = 0; i < 1000; i++)
        {
            await session.SendCommandAsync("GET VARIABLE", variable, AgiReplyFraming.Line, cancellationToken).ConfigureAwait(false);
        }

        await session.SendCommandAsync("HANGUP", cancellationToken).ConfigureAwait(false);
    }
}
