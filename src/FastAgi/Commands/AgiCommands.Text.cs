using FastAgi.Protocol;
using FastAgi.Server;

namespace FastAgi.Commands;

public static partial class AgiCommands
{
    private const string SendTextCommand = "SEND TEXT";
    private const string SendImageCommand = "SEND IMAGE";
    private const string ReceiveCharCommand = "RECEIVE CHAR";
    private const string ReceiveTextCommand = "RECEIVE TEXT";

    /// <summary>Sends a text message on the channel, for channels that carry text (SIP MESSAGE in a call, IAX2) (SEND TEXT).</summary>
    /// <remarks>
    /// Sends <c>SEND TEXT "text"</c>: Asterisk takes exactly one argument, so the text always goes as one quoted word. It answers
    /// <c>200 result=0</c> both when the text was sent and when the channel does not support text, <c>200 result=-1</c> on error.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> when Asterisk reported no error (which includes "not supported"); <see langword="false"/> on an error on a live call.</returns>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<bool> SendTextAsync(this AgiSession session, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ZeroOrFailedAsync(session, SendTextCommand, text, cancellationToken);
    }

    /// <summary>Sends an image on the channel, for the rare channels that carry images (SEND IMAGE).</summary>
    /// <remarks>Sends <c>SEND IMAGE name</c>; Asterisk answers <c>200 result=0</c> (also when the channel does not support images) unless the call has hung up.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="image">The image name, without extension.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> when Asterisk reported no error; <see langword="false"/> on an error on a live call.</returns>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<bool> SendImageAsync(this AgiSession session, string image, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
        return ZeroOrFailedAsync(session, SendImageCommand, image, cancellationToken);
    }

    /// <summary>Waits for one character of text from the channel, for channels that carry text (RECEIVE CHAR).</summary>
    /// <remarks>
    /// Sends <c>RECEIVE CHAR timeout_ms</c>; Asterisk answers <c>200 result=&lt;character code&gt;</c>. Pitfall: when nothing arrives in
    /// time Asterisk does not answer <c>(timeout)</c> (that branch is dead code) but <c>200 result=-1 (hangup)</c>, the same as a real
    /// hangup, and it makes the session's final <c>AGISTATUS</c> <c>FAILURE</c>. This method tells the two apart (see
    /// <see cref="AgiCommands"/>): a timeout returns <see langword="null"/>, a hangup throws.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits without limit (Asterisk's 0). <see cref="TimeSpan.Zero"/> is refused.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The character; <see langword="null"/> when none arrived in time (or the channel does not support text).</returns>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<char?> ReceiveCharAsync(this AgiSession session, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        string milliseconds = Milliseconds(timeout, "0", allowZero: false, nameof(timeout));
        AgiReply reply = await SendAsync(session, ReceiveCharCommand, [milliseconds], cancellationToken).ConfigureAwait(false);
        long code = ResultCode(ReceiveCharCommand, reply);
        switch (code)
        {
            case < 0:
                // handle_recvchar(): ast_recvchar() returns -1 for a timeout as well as a hangup: "200 result=-1 (hangup)".
                await ThrowIfHungUpAsync(session, ReceiveCharCommand, reply, cancellationToken).ConfigureAwait(false);
                return null;
            case 0:
                // "200 result=0 (timeout)": documented, unreachable in 22.x.
                return null;
            default:
                return ToDigit(ReceiveCharCommand, reply, code);
        }
    }

    /// <summary>Waits for a text message from the channel, for channels that carry text (RECEIVE TEXT).</summary>
    /// <remarks>Sends <c>RECEIVE TEXT timeout_ms</c>; Asterisk answers <c>200 result=1 (text)</c>, or <c>200 result=-1</c> when nothing arrived in time, the channel does not support text, or the call hung up.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits without limit (Asterisk's 0). <see cref="TimeSpan.Zero"/> is refused.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The text; <see langword="null"/> when none arrived in time.</returns>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<string?> ReceiveTextAsync(this AgiSession session, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        string milliseconds = Milliseconds(timeout, "0", allowZero: false, nameof(timeout));
        AgiReply reply = await SendAsync(session, ReceiveTextCommand, [milliseconds], cancellationToken).ConfigureAwait(false);
        switch (ResultCode(ReceiveTextCommand, reply))
        {
            case 1:
                return reply.Data ?? throw Unexpected(ReceiveTextCommand, reply);
            case -1:
                await ThrowIfHungUpAsync(session, ReceiveTextCommand, reply, cancellationToken).ConfigureAwait(false);
                return null;
            default:
                throw Unexpected(ReceiveTextCommand, reply);
        }
    }

    /// <summary>Sends a command whose reply is <c>200 result=0</c> or <c>200 result=-1</c> (failure or hangup).</summary>
    private static async ValueTask<bool> ZeroOrFailedAsync(AgiSession session, string command, string argument, CancellationToken cancellationToken)
    {
        AgiReply reply = await SendAsync(session, command, [argument], cancellationToken).ConfigureAwait(false);
        long code = ResultCode(command, reply);
        if (code < 0)
        {
            await ThrowIfHungUpAsync(session, command, reply, cancellationToken).ConfigureAwait(false);
            return false;
        }

        return true;
    }
}
