using FastAgi.Protocol;
using FastAgi.Server;

namespace FastAgi.Commands;

public static partial class AgiCommands
{
    private const string GetDataCommand = "GET DATA";
    private const string GetOptionCommand = "GET OPTION";
    private const string WaitForDigitCommand = "WAIT FOR DIGIT";

    /// <summary>The most digits GET DATA collects (its default, the size of Asterisk's buffer).</summary>
    public const int MaxGetDataDigits = 1024;

    /// <summary>
    /// Plays a prompt and collects DTMF digits until <paramref name="maxDigits"/> are entered, the caller presses <c>#</c>, or
    /// the caller stops typing (GET DATA).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Sends <c>GET DATA file [timeout_ms] [maxdigits]</c>. Digits pressed during the prompt count (the prompt stops at the first).
    /// <c>#</c> ends input and is not included. Asterisk answers <c>200 result=&lt;digits&gt;</c>, or
    /// <c>200 result=&lt;digits&gt; (timeout)</c> when the caller stopped typing: the digits may be empty (<c>200 result= (timeout)</c>),
    /// which is a timeout, not an error. <c>200 result=</c> with no digits and no <c>(timeout)</c> means <c>#</c> was pressed first.
    /// </para>
    /// <para>Pitfall: the timeout applies to the first digit (counted from the end of the prompt) and between digits alike.</para>
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="file">The prompt, a sound file without extension.</param>
    /// <param name="timeout">
    /// How long to wait for each digit; <see langword="null"/> for Asterisk's default (6 s for the first digit, 2 s between digits),
    /// <see cref="Timeout.InfiniteTimeSpan"/> to wait without limit. <see cref="TimeSpan.Zero"/> is refused, because Asterisk reads 0
    /// as "default".
    /// </param>
    /// <param name="maxDigits">The most digits to collect, 1 to <see cref="MaxGetDataDigits"/>; <see langword="null"/> for no limit but <c>#</c>.</param>
    /// <param name="cancellationToken">Stops waiting for the reply (the next command waits for it).</param>
    /// <returns>The digits and whether input was complete, timed out, or the prompt could not be played.</returns>
    /// <exception cref="AgiHangupException">The call hung up before or during input.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<GetDataResult> GetDataAsync(
        this AgiSession session,
        string file,
        TimeSpan? timeout = null,
        int? maxDigits = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        if (maxDigits is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1, nameof(maxDigits));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(max, MaxGetDataDigits, nameof(maxDigits));
        }

        // handle_getdata(): a timeout of 0 means the default, a negative one ~forever; both optional and positional.
        string? milliseconds = timeout is { } t ? Milliseconds(t, "-1", allowZero: false, nameof(timeout)) : null;
        string[] arguments = maxDigits is { } digitCount
            ? [file, milliseconds ?? "0", Format(digitCount)]
            : milliseconds is null ? [file] : [file, milliseconds];

        AgiReply reply = await SendAsync(session, GetDataCommand, arguments, cancellationToken).ConfigureAwait(false);

        // "200 result=-1" (hangup, missing prompt), "200 result=<digits> (timeout)", "200 result=<digits>"; the digits may be empty.
        string digits = reply.Result;
        if (digits == "-1")
        {
            await ThrowIfHungUpAsync(session, GetDataCommand, reply, cancellationToken).ConfigureAwait(false);
            return new GetDataResult(GetDataStatus.Failed, string.Empty);
        }

        if (!reply.HasResult || !IsDtmf(digits))
        {
            throw Unexpected(GetDataCommand, reply);
        }

        return reply.Data == "timeout"
            ? new GetDataResult(GetDataStatus.TimedOut, digits)
            : new GetDataResult(GetDataStatus.Completed, digits);
    }

    /// <summary>
    /// Plays a prompt that one of <paramref name="escapeDigits"/> can interrupt, then waits up to <paramref name="timeout"/> for one
    /// of them (GET OPTION): STREAM FILE with a wait for a single-key answer.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Sends <c>GET OPTION file escape_digits [timeout_ms]</c>; Asterisk answers <c>200 result=&lt;0|digit|-1&gt; endpos=&lt;samples&gt;</c>.
    /// A digit pressed after the prompt that is not one of <paramref name="escapeDigits"/> is ignored (<c>result=0</c>); during the
    /// prompt, other digits are ignored too.
    /// </para>
    /// <para>Pitfall: a missing file makes the session's final <c>AGISTATUS</c> <c>FAILURE</c>.</para>
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="file">The prompt, a sound file without extension.</param>
    /// <param name="escapeDigits">The digits that count as an answer.</param>
    /// <param name="timeout">
    /// How long to wait after the prompt; <see langword="null"/> for the channel's digit timeout (5 s unless the dialplan changed
    /// it), <see cref="TimeSpan.Zero"/> not to wait, <see cref="Timeout.InfiniteTimeSpan"/> to wait without limit.
    /// </param>
    /// <param name="cancellationToken">Stops waiting for the reply (the next command waits for it).</param>
    /// <returns>
    /// <see cref="PlaybackStatus.DigitPressed"/> with the digit, <see cref="PlaybackStatus.Completed"/> when none came in time, or
    /// <see cref="PlaybackStatus.Failed"/> when the prompt could not be played; with where the prompt stopped, in samples.
    /// </returns>
    /// <exception cref="AgiHangupException">The call hung up before or during the command.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<PlaybackResult> GetOptionAsync(
        this AgiSession session,
        string file,
        EscapeDigits escapeDigits,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        string[] arguments = timeout is { } t
            ? [file, escapeDigits.ToString(), Milliseconds(t, "-1", allowZero: true, nameof(timeout))]
            : [file, escapeDigits.ToString()];
        AgiReply reply = await SendAsync(session, GetOptionCommand, arguments, cancellationToken).ConfigureAwait(false);
        return await ToPlaybackResultAsync(session, GetOptionCommand, reply, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for the caller to press one DTMF digit (WAIT FOR DIGIT).</summary>
    /// <remarks>
    /// Sends <c>WAIT FOR DIGIT timeout_ms</c>; Asterisk answers <c>200 result=&lt;digit&gt;</c>, <c>200 result=0</c> on timeout and
    /// <c>200 result=-1</c> on failure or hangup. Digits pressed before the command arrived are not seen: Asterisk discards
    /// audio and DTMF between commands.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits without limit, <see cref="TimeSpan.Zero"/> only checks.</param>
    /// <param name="cancellationToken">Stops waiting for the reply (the next command waits for it).</param>
    /// <returns>The digit, a timeout, or a channel failure on a live call.</returns>
    /// <exception cref="AgiHangupException">The call hung up before or during the wait.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<WaitForDigitResult> WaitForDigitAsync(this AgiSession session, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        string milliseconds = Milliseconds(timeout, "-1", allowZero: true, nameof(timeout));
        AgiReply reply = await SendAsync(session, WaitForDigitCommand, [milliseconds], cancellationToken).ConfigureAwait(false);
        long code = ResultCode(WaitForDigitCommand, reply);
        switch (code)
        {
            case 0:
                return new WaitForDigitResult(WaitForDigitStatus.TimedOut, null);
            case < 0:
                await ThrowIfHungUpAsync(session, WaitForDigitCommand, reply, cancellationToken).ConfigureAwait(false);
                return new WaitForDigitResult(WaitForDigitStatus.Failed, null);
            case 1:
                // ast_waitfordigit_full() returns 1 when another command arrived early; the session never sends one.
                throw Unexpected(WaitForDigitCommand, reply);
            default:
                return new WaitForDigitResult(WaitForDigitStatus.DigitPressed, ToDigit(WaitForDigitCommand, reply, code));
        }
    }

    private static bool IsDtmf(string digits)
    {
        foreach (char c in digits)
        {
            if (!EscapeDigits.IsDtmfDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
