namespace FastAgi.Testing.Engine;

/// <summary>What Asterisk writes for one command line (or one event such as a hangup), line by line.</summary>
public sealed class AsteriskResponse
{
    internal AsteriskResponse(IReadOnlyList<string> words, AsteriskCommand? command, IReadOnlyList<string> replyLines, IReadOnlyList<string> lines, bool hungUp, bool endsSession, string? blockedReason)
    {
        Words = words;
        Command = command;
        ReplyLines = replyLines;
        Lines = lines;
        HungUp = hungUp;
        EndsSession = endsSession;
        BlockedReason = blockedReason;
    }

    /// <summary>The words Asterisk read from the line (<see cref="AsteriskTokenizer.Split(string)"/>); empty for an event.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>The command the words name, or <see langword="null"/> (unknown command, or an event).</summary>
    public AsteriskCommand? Command { get; }

    /// <summary>The reply to the command, each line ending with LF: one line, GOSUB's two, or a 520 block; empty when Asterisk writes no reply.</summary>
    public IReadOnlyList<string> ReplyLines { get; }

    /// <summary>Everything to write, in order, one write per entry: <see cref="ReplyLines"/>, then any <c>HANGUP</c> line.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>The reply as one string (the lines joined).</summary>
    public string Reply => string.Concat(ReplyLines);

    /// <summary>Whether the channel hung up with this response (the caller during the command, or the script's own HANGUP).</summary>
    public bool HungUp { get; }

    /// <summary>Whether Asterisk leaves the AGI after writing <see cref="Lines"/> and closes the connection (a <c>failure</c> line, <c>AGIEXITONHANGUP</c>).</summary>
    public bool EndsSession { get; }

    /// <summary>Why the command cannot finish (it would wait forever for a caller who has nothing left to do); <see langword="null"/> when it finished.</summary>
    public string? BlockedReason { get; }
}
