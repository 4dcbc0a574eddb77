namespace FastAgi.Protocol;

/// <summary>Why a peer's bytes were rejected as a FastAGI protocol violation.</summary>
public enum AgiProtocolError
{
    /// <summary>An environment line was longer than <see cref="AgiProtocolLimits.MaxEnvironmentLineLength"/>.</summary>
    EnvironmentLineTooLong,

    /// <summary>The environment block was larger than <see cref="AgiProtocolLimits.MaxEnvironmentSize"/>.</summary>
    EnvironmentTooLarge,

    /// <summary>The environment block had more lines than <see cref="AgiProtocolLimits.MaxEnvironmentLines"/>.</summary>
    TooManyEnvironmentLines,

    /// <summary>An environment line was not of the form <c>name: value</c>.</summary>
    MalformedEnvironmentLine,

    /// <summary>The peer sent a NUL byte, which Asterisk never writes.</summary>
    NulByte,

    /// <summary>A reply was longer than <see cref="AgiProtocolLimits.MaxReplyLength"/>.</summary>
    ReplyTooLong,

    /// <summary>A reply line did not start with a three-digit status code.</summary>
    MalformedReply,

    /// <summary>The connection ended before the environment block was complete.</summary>
    IncompleteEnvironment,

    /// <summary>
    /// Asterisk sent a reply that answers no command: with no command in flight, or after the reply to the last one and
    /// before the next was sent. Asterisk writes nothing unsolicited but <c>HANGUP</c>, so the replies are out of step
    /// (a value holding a line feed read without a fence, or a peer that is not Asterisk).
    /// </summary>
    UnexpectedReply,

    /// <summary>A connection from a trusted load balancer did not start with a valid PROXY protocol header (v1 or v2).</summary>
    InvalidProxyHeader,
}
