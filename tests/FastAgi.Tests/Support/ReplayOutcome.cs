namespace FastAgi.Tests.Support;

/// <summary>What a replayed command must end with, as the recording shows it.</summary>
public enum ReplayOutcome
{
    /// <summary>A reply that <c>SendCommandAsync</c> returns.</summary>
    Reply,

    /// <summary>Asterisk answered 511: <c>SendCommandAsync</c> throws <c>AgiHangupException</c> with <c>DeadChannel</c>.</summary>
    DeadChannel,

    /// <summary>Asterisk had closed the connection: <c>SendCommandAsync</c> throws <c>AgiHangupException</c> with <c>ConnectionClosed</c>.</summary>
    ConnectionClosed,
}
