using FastAgi.Server;

namespace FastAgi.Commands;

public static partial class AgiCommands
{
    private const string NoopCommand = "NOOP";
    private const string VerboseCommand = "VERBOSE";
    private const string AsyncAgiBreakCommand = "ASYNCAGI BREAK";

    /// <summary>Does nothing (NOOP): a round trip to Asterisk, for example to check the connection.</summary>
    /// <remarks>
    /// Sends <c>NOOP [text]</c>; Asterisk always answers <c>200 result=0</c> and ignores the text, which only shows in Asterisk's
    /// <c>agi set debug on</c> log. Works after the caller hung up, so it cannot tell whether the call is up: use
    /// <see cref="ChannelStatusAsync(AgiSession, CancellationToken)"/> for that.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="text">A note for Asterisk's AGI debug log; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask NoopAsync(this AgiSession session, string? text = null, CancellationToken cancellationToken = default)
    {
        string[] arguments = string.IsNullOrEmpty(text) ? [] : [text];
        await SendAsync(session, NoopCommand, arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a message to Asterisk's console and verbose log (VERBOSE).</summary>
    /// <remarks>
    /// Sends <c>VERBOSE "message" [level]</c>; Asterisk always answers <c>200 result=1</c> and logs
    /// <c>&lt;agi url&gt;: message</c> when its verbosity is at least <paramref name="level"/>. Works after the caller hung up.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="message">The message.</param>
    /// <param name="level">The verbose level, 1 to 4 (shown from <c>core set verbose &lt;level&gt;</c>); <see langword="null"/> for Asterisk's 0, always shown.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask VerboseAsync(this AgiSession session, string message, int? level = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (level is { } l)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(l, nameof(level));
        }

        string[] arguments = level is { } verboseLevel ? [message, Format(verboseLevel)] : [message];
        await SendAsync(session, VerboseCommand, arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Leaves an AsyncAGI session (ASYNCAGI BREAK); in FastAGI it does nothing.</summary>
    /// <remarks>Sends <c>ASYNCAGI BREAK</c>; Asterisk answers <c>200 result=0</c> and, over FastAGI, the session simply continues. To end a FastAGI session, return from the script.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask AsyncAgiBreakAsync(this AgiSession session, CancellationToken cancellationToken = default)
    {
        await SendAsync(session, AsyncAgiBreakCommand, [], cancellationToken).ConfigureAwait(false);
    }
}
