namespace FastAgi.Commands;

/// <summary>The outcome of the <c>Dial()</c> application, from its <c>DIALSTATUS</c> channel variable.</summary>
public enum DialStatus
{
    /// <summary>DIALSTATUS was unset or held a value this version does not know; see <see cref="DialResult.RawStatus"/>.</summary>
    Unknown,

    /// <summary><c>ANSWER</c>: the called party answered (the call has been bridged and has ended by the time Dial returns).</summary>
    Answer,

    /// <summary><c>BUSY</c>: the called party was busy.</summary>
    Busy,

    /// <summary><c>NOANSWER</c>: nobody answered within the timeout.</summary>
    NoAnswer,

    /// <summary><c>CANCEL</c>: the caller hung up before the call was answered.</summary>
    Cancel,

    /// <summary><c>CONGESTION</c>: the network was congested, or the number could not be reached.</summary>
    Congestion,

    /// <summary><c>CHANUNAVAIL</c>: the channel could not be created (unknown endpoint, unregistered device).</summary>
    ChannelUnavailable,

    /// <summary><c>DONTCALL</c>: privacy mode, the called party chose not to take the call.</summary>
    DontCall,

    /// <summary><c>TORTURE</c>: privacy mode, the called party chose to send the caller to torture.</summary>
    Torture,

    /// <summary><c>INVALIDARGS</c>: Dial's arguments were invalid.</summary>
    InvalidArgs,
}
