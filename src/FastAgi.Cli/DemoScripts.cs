using FastAgi.Commands;
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
            .MapScript("bench/chatty", ChattyAsync)
            .MapScript("eagi/listen", ListenAsync);

    /// <summary>Three prompts, any of which the caller may skip with #, then hang up.</summary>
    public static async Task PlayPromptsAsync(AgiSession session, CancellationToken cancellationToken)
    {
        foreach (string prompt in (string[])["hello-world", "tt-monkeys", "goodbye"])
        {
            await session.SendCommandAsync("STREAM FILE", [prompt, "#"], cancellationToken).ConfigureAwait(false);
        }

        await session.SendCommandAsync("HANGUP", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Classic AGI under <c>EAGI()</c> only: listens to one second of the caller's audio (8 kHz signed linear, 16,000 bytes)
    /// and reports its pitch from the zero crossings, as <c>VERBOSE</c> and in <c>EAGI_HZ</c>: a 1004 Hz tone gives 1004.
    /// </summary>
    public static async Task ListenAsync(AgiSession session, CancellationToken cancellationToken)
    {
        const int Second = 16_000;
        byte[] audio = new byte[Second];
        await using (Stream fd3 = Classic.AgiClassic.OpenEagiAudio(session))
        {
            await fd3.ReadExactlyAsync(audio, cancellationToken).ConfigureAwait(false);
        }

        int crossings = 0;
        short previous = 0;
        for (int i = 0; i + 1 < audio.Length; i += 2)
        {
            short sample = System.Buffers.Binary.BinaryPrimitives.ReadInt16LittleEndian(audio.AsSpan(i));
            if ((previous < 0 && sample >= 0) || (previous >= 0 && sample < 0))
            {
                crossings++;
            }

            previous = sample;
        }

        // Two crossings a period; the second's edges may cut one off.
        string hertz = Math.Round(crossings / 2.0, MidpointRounding.AwayFromZero).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await session.VerboseAsync($"EAGI: {Second} bytes, {crossings} zero crossings: about {hertz} Hz", 1, cancellationToken).ConfigureAwait(false);
        await session.SetVariableAsync("EAGI_HZ", hertz, cancellationToken).ConfigureAwait(false);
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
