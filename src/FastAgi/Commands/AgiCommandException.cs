using FastAgi.Protocol;

namespace FastAgi.Commands;

/// <summary>
/// Thrown by a typed command when Asterisk did not run it: <c>510 Invalid or unknown command</c>, any other status but 200
/// (such as GOSUB's <c>503 result=-2 Memory allocation failure</c>), EXEC of an application that does not exist
/// (<c>200 result=-2</c>), or a reply that does not match what the command documents.
/// </summary>
/// <remarks>
/// These are programming or deployment errors (a typo in a command or application name, a module not loaded), not call
/// outcomes: a call outcome such as a missing prompt file is a result status, and a hangup is an
/// <see cref="Server.AgiHangupException"/>. A usage error (<c>520</c>) is the derived <see cref="AgiUsageException"/>.
/// </remarks>
public class AgiCommandException : Exception
{
    /// <summary>Creates the exception for <paramref name="command"/> and the <paramref name="reply"/> Asterisk sent.</summary>
    /// <param name="command">The command words, such as <c>STREAM FILE</c>.</param>
    /// <param name="reply">The reply that made the command fail.</param>
    /// <param name="message">The message; by default one naming the command and quoting the reply.</param>
    public AgiCommandException(string command, AgiReply reply, string? message = null)
        : base(message ?? $"Asterisk did not run '{command}': it answered '{AgiLogText.Escape(reply?.ToString())}'.")
    {
        ArgumentNullException.ThrowIfNull(reply);
        Command = command;
        Reply = reply;
    }

    /// <summary>The command words, such as <c>STREAM FILE</c>.</summary>
    public string Command { get; }

    /// <summary>The reply Asterisk sent, status code and text included.</summary>
    public AgiReply Reply { get; }
}
