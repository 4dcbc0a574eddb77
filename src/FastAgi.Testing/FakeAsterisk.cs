using FastAgi.Testing.Engine;

namespace FastAgi.Testing;

/// <summary>
/// A fake Asterisk that places one FastAGI call to a script (in-process) or a server (over TCP), sends a realistic
/// environment block and answers every command as Asterisk 22 would, so that IVR logic can be unit-tested without a PBX.
/// </summary>
/// <remarks>
/// <para>Script only what matters: <see cref="Expect"/> a command and choose its reply, and say what the <see cref="Caller"/>
/// does (press digits, stay silent, hang up). Every other command gets Asterisk's default reply from the
/// <see cref="AsteriskEngine"/>, checked against recordings of real Asterisk 22.10.1.</para>
/// <para>The result lists the commands, the variables set and how the call ended. <c>CallAsync</c> throws
/// <see cref="FakeAsteriskAssertionException"/>, with expected and actual and the conversation so far, when the script sends
/// an unexpected command (in <see cref="FakeAsteriskOptions.Strict"/> mode), leaves an expectation unmet, breaks the protocol
/// (pipelining, CR or NUL in a command), hangs past <see cref="FakeAsteriskOptions.Timeout"/>, or throws.</para>
/// <para>A <see cref="FakeAsterisk"/> places one call; build a new one for each test.</para>
/// </remarks>
public sealed partial class FakeAsterisk
{
    private readonly List<PlanStep> _plan = [];
    private readonly List<int> _hangupAfter = [];
    private readonly List<CommandMatcher> _hangupDuring = [];
    private Func<FakeCommandContext, CancellationToken, ValueTask>? _onCommand;
    private Action<FakeTraffic>? _onTraffic;
    private int _used;

    /// <summary>Creates a fake Asterisk with <paramref name="options"/> (the defaults when <see langword="null"/>).</summary>
    public FakeAsterisk(FakeAsteriskOptions? options = null)
    {
        Options = options ?? new FakeAsteriskOptions();
        Caller = new FakeCaller(this);
    }

    /// <summary>How the call runs: timeout, strict mode, whether failures throw.</summary>
    public FakeAsteriskOptions Options { get; }

    /// <summary>The environment block the call sends: script path and query, arguments, caller id, channel, any <c>agi_*</c> value.</summary>
    public AgiEnvironmentBuilder Environment { get; } = new();

    /// <summary>The channel the script talks to: preset variables, AstDB entries, sound files, applications, dialplan. Its identity comes from <see cref="Environment"/> when the call starts.</summary>
    public AsteriskChannel Channel { get; } = new();

    /// <summary>What the caller does.</summary>
    public FakeCaller Caller { get; }

    internal IReadOnlyList<PlanStep> Plan => _plan;

    internal IReadOnlyList<int> HangupAfterCounts => _hangupAfter;

    internal List<CommandMatcher> HangupDuring => _hangupDuring;

    internal Func<FakeCommandContext, CancellationToken, ValueTask>? CommandHandler => _onCommand;

    internal Action<FakeTraffic>? TrafficObserver => _onTraffic;

    internal ReplayScript? Replay { get; private set; }

    internal Task? HangupRelease { get; private set; }

    /// <summary>
    /// Expects the script's next command to start with <paramref name="command"/>'s words (<c>STREAM FILE welcome</c> matches
    /// <c>STREAM FILE welcome "#"</c>): command words compared case-insensitively as Asterisk does, arguments exactly, both as
    /// Asterisk's tokenizer reads them. Expectations are met in order.
    /// </summary>
    public AgiExpectation Expect(string command)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        var expectation = new AgiExpectation(this, CommandMatcher.Prefix(command));
        _plan.Add(new PlanStep.Expectation(expectation));
        return expectation;
    }

    /// <summary>Calls <paramref name="handler"/> for every command before it is answered; the handler may choose the reply, press digits or hang up (as an interactive session does).</summary>
    public FakeAsterisk OnCommand(Func<FakeCommandContext, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _onCommand = handler;
        return this;
    }

    /// <summary>Calls <paramref name="observer"/> for every line sent either way and every note, as the call happens.</summary>
    public FakeAsterisk OnTraffic(Action<FakeTraffic> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _onTraffic = observer;
        return this;
    }

    /// <summary>
    /// Holds the first <c>HANGUP</c> line the fake would write (a caller's hangup, a replayed one) until <paramref name="release"/>
    /// completes, bounded by <see cref="FakeAsteriskOptions.Timeout"/>: a test can then check that the script saw the reply
    /// before it, and that the hangup token had not fired before the line was even written.
    /// </summary>
    public FakeAsterisk HoldHangupUntil(Task release)
    {
        ArgumentNullException.ThrowIfNull(release);
        HangupRelease = release;
        return this;
    }

    internal void AddCallerStep(string description, Func<AsteriskEngine, AsteriskResponse?> apply)
        => _plan.Add(new PlanStep.CallerAction(description, apply));

    internal void AddHangupAfter(int commands) => _hangupAfter.Add(commands);

    internal void AddHangupDuring(CommandMatcher matcher) => _hangupDuring.Add(matcher);

    internal void AddExpectation(AgiExpectation expectation) => _plan.Add(new PlanStep.Expectation(expectation));

    internal void UseReplay(ReplayScript replay) => Replay = replay;

    private void MarkUsed()
    {
        if (Interlocked.Exchange(ref _used, 1) != 0)
        {
            throw new InvalidOperationException("This FakeAsterisk has already placed its call; create a new one for each call.");
        }
    }
}
