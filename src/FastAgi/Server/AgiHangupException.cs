namespace FastAgi.Server;

/// <summary>Thrown by a command when the call has hung up and the command cannot run: Asterisk answered <c>511</c>, or the connection is gone.</summary>
/// <remarks>Let it propagate out of a script: the server treats it as a normal end of the call, not as a script failure.</remarks>
public sealed class AgiHangupException : Exception
{
    /// <summary>Creates the exception for <paramref name="reason"/>.</summary>
    public AgiHangupException(AgiHangupReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Whether Asterisk refused the command on a dead channel or the connection closed.</summary>
    public AgiHangupReason Reason { get; }
}
