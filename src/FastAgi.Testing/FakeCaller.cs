using FastAgi.Testing.Engine;

namespace FastAgi.Testing;

/// <summary>
/// What the caller does, in the order of the test: <see cref="Presses"/>, <see cref="StaysSilent"/> and <see cref="HangsUp"/>
/// take effect at their place among the expectations (before the first one: as soon as the call connects; after an
/// expectation: once its reply is sent). <see cref="HangsUpAfter"/> and <see cref="HangsUpDuring"/> fire on command counts or commands instead.
/// </summary>
public sealed class FakeCaller
{
    private readonly FakeAsterisk _owner;

    internal FakeCaller(FakeAsterisk owner) => _owner = owner;

    /// <summary>Queues DTMF digits (0-9, *, #, A-D), taken by the next commands that accept them (see <see cref="CallerInput"/>).</summary>
    public FakeCaller Presses(string digits)
    {
        new CallerInput().Press(digits);
        _owner.AddCallerStep($"caller presses {digits}", engine =>
        {
            engine.Caller.Press(digits);
            return null;
        });
        return this;
    }

    /// <summary>Queues a silence: the next command that waits for input (WAIT FOR DIGIT, GET DATA, GET OPTION, RECORD FILE) times out.</summary>
    public FakeCaller StaysSilent()
    {
        _owner.AddCallerStep("caller stays silent", engine =>
        {
            engine.Caller.StaySilent();
            return null;
        });
        return this;
    }

    /// <summary>Queues a text message for RECEIVE TEXT or RECEIVE CHAR.</summary>
    public FakeCaller SendsText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _owner.AddCallerStep($"caller sends text \"{text}\"", engine =>
        {
            engine.Caller.SendText(text);
            return null;
        });
        return this;
    }

    /// <summary>Hangs up now, at this point of the test: Asterisk writes <c>HANGUP</c> while it waits for the next command.</summary>
    public FakeCaller HangsUp()
    {
        _owner.AddCallerStep("caller hangs up", static engine => engine.HangUp());
        return this;
    }

    /// <summary>Hangs up during the next command that plays to or waits for the caller, once the digits queued before are used.</summary>
    public FakeCaller HangsUpAtNextPrompt()
    {
        _owner.AddCallerStep("caller will hang up at the next prompt", static engine =>
        {
            engine.Caller.HangUpAtNextPrompt();
            return null;
        });
        return this;
    }

    /// <summary>Hangs up right after the reply to the <paramref name="commands"/>th command (0: as soon as the call connects).</summary>
    public FakeCaller HangsUpAfter(int commands)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(commands);
        _owner.AddHangupAfter(commands);
        return this;
    }

    /// <summary>Hangs up before the <paramref name="command"/>th command (1: before the first one), so that command finds the channel dead.</summary>
    public FakeCaller HangsUpBefore(int command)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(command, 1);
        return HangsUpAfter(command - 1);
    }

    /// <summary>Hangs up while the first command matching <paramref name="command"/> (word prefix, as <see cref="FakeAsterisk.Expect"/>) runs: it gets Asterisk's hangup reply, then <c>HANGUP</c>.</summary>
    public FakeCaller HangsUpDuring(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        _owner.AddHangupDuring(CommandMatcher.Prefix(command));
        return this;
    }
}
