namespace FastAgi.Testing;

/// <summary>How a fake call ended.</summary>
public enum FakeCallEnding
{
    /// <summary>The server closed the connection: the normal end of a script.</summary>
    ServerClosed,

    /// <summary>The server sent a line starting with <c>failure</c>, which ends the AGI with <c>AGISTATUS=FAILURE</c> (FastAgi does so when no script matches or the script throws).</summary>
    FailureLine,

    /// <summary>Asterisk left the AGI first (<c>AGIEXITONHANGUP=yes</c>, or a recording in which it did), and the server then closed.</summary>
    AsteriskClosed,

    /// <summary>The script sent a command the test did not expect; the fake hung up on it.</summary>
    UnexpectedCommand,

    /// <summary>The server broke the protocol: it pipelined commands, sent CR, NUL or an over-long line, or stopped in the middle of a line.</summary>
    ProtocolViolation,

    /// <summary>The server neither sent a command nor closed the connection within the timeout.</summary>
    TimedOut,

    /// <summary>A command would wait forever for a caller who had nothing left to do.</summary>
    Blocked,

    /// <summary>The connection failed: refused, reset, or an I/O error.</summary>
    ConnectionFailed,
}
