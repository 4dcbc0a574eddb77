using FastAgi.Testing.Engine;

namespace FastAgi.Testing;

/// <summary>A command that just arrived, handed to <see cref="FakeAsterisk.OnCommand"/> before the fake answers it: the handler may choose the reply, press digits or hang up.</summary>
public sealed class FakeCommandContext
{
    private readonly AsteriskEngine _engine;

    internal FakeCommandContext(FakeCommand command, AsteriskEngine engine)
    {
        Command = command;
        _engine = engine;
    }

    /// <summary>The command.</summary>
    public FakeCommand Command { get; }

    /// <summary>The channel's current state.</summary>
    public AsteriskChannel Channel => _engine.Channel;

    /// <summary>Whether the channel has already hung up.</summary>
    public bool IsHungUp => _engine.IsHungUp;

    internal string? ReplyText { get; private set; }

    internal bool HangUpRequested { get; private set; }

    /// <summary>Answers with <paramref name="reply"/> as is instead of Asterisk's default.</summary>
    public void Reply(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ReplyText = reply;
    }

    /// <summary>The caller presses <paramref name="digits"/> now, before the command takes its input.</summary>
    public void PressDigits(string digits) => _engine.Caller.Press(digits);

    /// <summary>The caller hangs up during this command.</summary>
    public void HangUp() => HangUpRequested = true;
}
