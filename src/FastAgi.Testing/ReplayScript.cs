namespace FastAgi.Testing;

/// <summary>What a replayed recording sends besides the replies to commands.</summary>
internal sealed class ReplayScript(
    IReadOnlyList<byte[]> environmentChunks,
    IReadOnlyList<KeyValuePair<string, string>> environment,
    IReadOnlyList<byte[]> afterEnvironment,
    IReadOnlyList<byte[]> afterServerClosed,
    int? asteriskClosesAfter,
    IReadOnlyList<CommandMatcher> sentAfterAsteriskClosed)
{
    /// <summary>The recorded environment block, one chunk per recorded write, the blank line included.</summary>
    public IReadOnlyList<byte[]> EnvironmentChunks { get; } = environmentChunks;

    /// <summary>The environment's lines, parsed.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; } = environment;

    /// <summary>What Asterisk wrote after the environment and before any command (a HANGUP at once, 05f).</summary>
    public IReadOnlyList<byte[]> AfterEnvironment { get; } = afterEnvironment;

    /// <summary>What Asterisk wrote after the server closed (the post-loop HANGUP).</summary>
    public IReadOnlyList<byte[]> AfterServerClosed { get; } = afterServerClosed;

    /// <summary>After which command (0: the environment) Asterisk closed the connection itself, if it did.</summary>
    public int? AsteriskClosesAfter { get; } = asteriskClosesAfter;

    /// <summary>The command lines the recorded server still sent after Asterisk closed, which nobody read.</summary>
    public IReadOnlyList<CommandMatcher> SentAfterAsteriskClosed { get; } = sentAfterAsteriskClosed;
}
