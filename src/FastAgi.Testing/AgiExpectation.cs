using System.Globalization;
using FastAgi.Testing.Engine;

namespace FastAgi.Testing;

/// <summary>
/// A command the script is expected to send, and how the fake Asterisk answers it. Made by <see cref="FakeAsterisk.Expect"/>;
/// without a <c>Reply…</c> call the answer is Asterisk 22's default for the command and the caller's queued input.
/// </summary>
public sealed class AgiExpectation
{
    private readonly FakeAsterisk _owner;

    internal AgiExpectation(FakeAsterisk owner, CommandMatcher matcher)
    {
        _owner = owner;
        Matcher = matcher;
    }

    /// <summary>The expected command, as it reads in messages.</summary>
    public string Description => Matcher.Description;

    /// <summary>The command that met this expectation, once one has.</summary>
    public FakeCommand? MatchedBy { get; internal set; }

    internal CommandMatcher Matcher { get; }

    internal IReadOnlyList<byte[]>? RawReply { get; private set; }

    /// <summary>How long to wait before each chunk of <see cref="RawReply"/>, when it is not written at once.</summary>
    internal IReadOnlyList<TimeSpan>? RawPauses { get; private set; }

    internal Task? ReplyRelease { get; private set; }

    internal TimeSpan SilenceBeforeReply { get; private set; }

    internal ForcedOutcome? Forced { get; private set; }

    internal bool HangsUpAfter { get; private set; }

    internal bool IsFailureLine { get; init; }

    /// <summary>Answers with <paramref name="reply"/> as is: one or more lines (such as <c>200 result=0 endpos=8000</c>), each sent in its own write; a missing final LF is added.</summary>
    /// <remarks>A <c>HANGUP</c> line in the reply tells the fake that the channel has hung up.</remarks>
    public AgiExpectation Reply(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return SetRaw(FakeCallRun.SplitLines(reply));
    }

    /// <summary>
    /// Answers with <paramref name="pieces"/> written as they are (no LF added), one write each, with <paramref name="pause"/>
    /// between them: how a slow network, or Nagle's algorithm on Asterisk's side (~40 ms between the lines of a 520 usage
    /// reply), delivers a reply. A piece may end in the middle of a line.
    /// </summary>
    /// <exception cref="ArgumentException">There are no pieces, or they do not end with LF.</exception>
    public AgiExpectation ReplyInPieces(TimeSpan pause, params string[] pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        ArgumentOutOfRangeException.ThrowIfLessThan(pause, TimeSpan.Zero);
        if (pieces.Length == 0 || !pieces[^1].EndsWith('\n'))
        {
            throw new ArgumentException("A reply ends with LF: the last piece must end with it.", nameof(pieces));
        }

        return SetRaw([.. pieces.Select(static piece => System.Text.Encoding.UTF8.GetBytes(piece))], [.. pieces.Select((_, i) => i == 0 ? TimeSpan.Zero : pause)]);
    }

    /// <summary>
    /// Holds the reply until <paramref name="release"/> completes (bounded by <see cref="FakeAsteriskOptions.Timeout"/>), so
    /// that the test can act while the command is in flight. A byte the server sends before the reply fails the call as pipelining.
    /// </summary>
    public AgiExpectation ReplyAfter(Task release)
    {
        ArgumentNullException.ThrowIfNull(release);
        ReplyRelease = release;
        return this;
    }

    /// <summary>
    /// Before replying, listens for <paramref name="window"/> (after any <see cref="ReplyAfter"/>) and fails the call as
    /// pipelining if the server sends anything meanwhile: checks that a server waits for this reply before its next command
    /// (an early command aborts STREAM FILE, GET DATA and GET OPTION without a reply). A server that wrongly writes does so
    /// at once; the window only has to outlast scheduling delays.
    /// </summary>
    public AgiExpectation ReplyAfterSilence(TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero);
        SilenceBeforeReply = window;
        return this;
    }

    /// <summary>Answers <c>200 result=<paramref name="result"/></c>.</summary>
    public AgiExpectation ReplyResult(int result) => Reply(string.Create(CultureInfo.InvariantCulture, $"200 result={result}"));

    /// <summary>The caller presses <paramref name="digit"/> during the command: STREAM FILE gives <c>200 result=49 endpos=…</c> for <c>1</c>, WAIT FOR DIGIT <c>200 result=49</c>, GET DATA <c>200 result=1</c>, RECORD FILE <c>(dtmf)</c>, whatever the escape digits.</summary>
    public AgiExpectation ReplyDigit(char digit)
    {
        CheckDigits(digit.ToString());
        return Force(new ForcedOutcome(ForcedKind.Digit, char.ToUpperInvariant(digit).ToString()));
    }

    /// <summary>GET DATA receives <paramref name="digits"/> complete (<c>200 result=1234</c>); for other commands, the first digit is pressed.</summary>
    public AgiExpectation ReplyDigits(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        CheckDigits(digits);
        return Force(new ForcedOutcome(ForcedKind.Digits, digits.ToUpperInvariant()));
    }

    /// <summary>Nothing is pressed: GET DATA gives <c>200 result= (timeout)</c> (or <paramref name="digitsSoFar"/> before <c>(timeout)</c>), WAIT FOR DIGIT and GET OPTION 0, STREAM FILE plays to the end.</summary>
    public AgiExpectation ReplyTimeout(string digitsSoFar = "")
    {
        ArgumentNullException.ThrowIfNull(digitsSoFar);
        CheckDigits(digitsSoFar);
        return Force(new ForcedOutcome(ForcedKind.Timeout, digitsSoFar));
    }

    /// <summary>GET VARIABLE, GET FULL VARIABLE and DATABASE GET find <paramref name="value"/> (<c>200 result=1 (value)</c>); RECEIVE TEXT receives it.</summary>
    public AgiExpectation ReplyValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Force(new ForcedOutcome(ForcedKind.Value, value));
    }

    /// <summary>GET VARIABLE and DATABASE GET find nothing: <c>200 result=0</c>.</summary>
    public AgiExpectation ReplyNotSet() => Force(new ForcedOutcome(ForcedKind.NotSet));

    /// <summary>The file to play or record cannot be used: STREAM FILE gives <c>200 result=-1 endpos=0</c>, GET DATA <c>200 result=-1</c>, RECORD FILE <c>200 result=-1 (writefile)</c>.</summary>
    public AgiExpectation ReplyFailure() => Force(new ForcedOutcome(ForcedKind.Failure));

    /// <summary>The caller hangs up during the command: it gets Asterisk's hangup reply (STREAM FILE <c>200 result=-1 endpos=…</c>, WAIT FOR DIGIT <c>200 result=-1</c>, …), then the <c>HANGUP</c> line.</summary>
    public AgiExpectation CallerHangsUp() => Force(new ForcedOutcome(ForcedKind.HangUp));

    /// <summary>After the reply, the caller hangs up: the <c>HANGUP</c> line follows at once.</summary>
    public AgiExpectation ThenHangUp()
    {
        HangsUpAfter = true;
        return this;
    }

    /// <summary>Expects another command after this one (same as <see cref="FakeAsterisk.Expect"/>).</summary>
    public AgiExpectation Expect(string command) => _owner.Expect(command);

    /// <inheritdoc/>
    public override string ToString() => Description;

    internal AgiExpectation SetRaw(IReadOnlyList<byte[]> chunks, IReadOnlyList<TimeSpan>? pauses = null)
    {
        RawReply = chunks;
        RawPauses = pauses;
        Forced = null;
        return this;
    }

    private AgiExpectation Force(ForcedOutcome outcome)
    {
        Forced = outcome;
        RawReply = null;
        RawPauses = null;
        return this;
    }

    private static void CheckDigits(string digits)
    {
        foreach (char c in digits)
        {
            if (!CallerInput.ValidDigits.Contains(char.ToUpperInvariant(c), StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{c}' is not a DTMF key; a phone sends {CallerInput.ValidDigits}.", nameof(digits));
            }
        }
    }
}
