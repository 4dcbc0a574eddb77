namespace FastAgi.Testing.Engine;

/// <summary>A channel's state as <c>CHANNEL STATUS</c> reports it (<c>enum ast_channel_state</c>).</summary>
public enum AsteriskChannelState
{
    /// <summary>0: the channel is down and available.</summary>
    Down = 0,

    /// <summary>1: the channel is down, but reserved.</summary>
    Reserved = 1,

    /// <summary>2: the channel is off hook.</summary>
    OffHook = 2,

    /// <summary>3: digits (or equivalent) have been dialed.</summary>
    Dialing = 3,

    /// <summary>4: the line is ringing (an incoming call not answered yet).</summary>
    Ring = 4,

    /// <summary>5: the remote end is ringing.</summary>
    Ringing = 5,

    /// <summary>6: the line is up (answered).</summary>
    Up = 6,

    /// <summary>7: the line is busy.</summary>
    Busy = 7,

    /// <summary>8: digits dialed while off hook.</summary>
    DialingOffHook = 8,

    /// <summary>9: the channel has detected an incoming call and is waiting for ring.</summary>
    PreRing = 9,
}
