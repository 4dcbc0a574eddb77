namespace FastAgi.Server;

/// <summary>
/// Thrown by a command when Asterisk did not answer it within <see cref="Hosting.AgiServerOptions.ReplyTimeout"/>: the call
/// is ended, since a reply that comes later could no longer be told from the next command's.
/// </summary>
public sealed class AgiReplyTimeoutException : TimeoutException
{
    /// <summary>Creates the exception for <paramref name="command"/>, unanswered after <paramref name="timeout"/>.</summary>
    public AgiReplyTimeoutException(string command, TimeSpan timeout)
        : base($"Asterisk did not answer '{command}' within {timeout}; the call is ended.")
    {
        Command = command;
        Timeout = timeout;
    }

    /// <summary>The command words, such as <c>EXEC</c>.</summary>
    public string Command { get; }

    /// <summary>The reply timeout that passed.</summary>
    public TimeSpan Timeout { get; }
}
