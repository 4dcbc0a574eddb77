namespace FastAgi.Server;

/// <summary>How a command learned that the call is over.</summary>
public enum AgiHangupReason
{
    /// <summary>Asterisk answered <c>511 Command Not Permitted on a dead channel or intercept routine</c>: the channel hung up and the command does not run on a dead channel.</summary>
    DeadChannel,

    /// <summary>The FastAGI connection closed (Asterisk ended the session, for example with <c>AGIEXITONHANGUP=yes</c>, or the network failed).</summary>
    ConnectionClosed,
}
