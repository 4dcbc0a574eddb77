namespace FastAgi.Testing;

/// <summary>What a <see cref="FakeTraffic"/> event is.</summary>
public enum FakeTrafficKind
{
    /// <summary>One line of the environment block the fake sent.</summary>
    Environment,

    /// <summary>A command line the server sent.</summary>
    Command,

    /// <summary>One line of a reply the fake sent.</summary>
    Reply,

    /// <summary>The unsolicited <c>HANGUP</c> line the fake sent.</summary>
    Hangup,

    /// <summary>A remark about the call (a caller action, the connection closing, a problem found).</summary>
    Note,

    /// <summary>A fence the server sent to mark the end of the reply before it (<see cref="Protocol.AgiReplyFence"/>): not one of the script's commands.</summary>
    FenceCommand,

    /// <summary>The fake's reply to a fence.</summary>
    FenceReply,
}
