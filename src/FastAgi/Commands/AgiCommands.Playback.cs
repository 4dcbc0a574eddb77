using FastAgi.Protocol;
using FastAgi.Server;

namespace FastAgi.Commands;

public static partial class AgiCommands
{
    private const string StreamFileCommand = "STREAM FILE";
    private const string ControlStreamFileCommand = "CONTROL STREAM FILE";

    /// <summary>
    /// Plays a sound file (STREAM FILE), stopping early when the caller presses one of <paramref name="escapeDigits"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Asterisk looks the file up in the channel's language (<c>sounds/&lt;lang&gt;/</c>) and picks the format itself: give the
    /// name without extension. Sends <c>STREAM FILE file escape_digits [sample_offset]</c>; Asterisk answers
    /// <c>200 result=&lt;0|digit|-1&gt; endpos=&lt;samples&gt;</c>.
    /// </para>
    /// <para>
    /// Pitfalls: Asterisk sets <c>PLAYBACKSTATUS</c> to <c>FAILED</c> when a digit interrupts playback, not only on errors; a missing
    /// file makes the session's final <c>AGISTATUS</c> <c>FAILURE</c> even if everything after it works.
    /// </para>
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="file">The sound file, without extension (<c>hello-world</c>, <c>custom/welcome</c> or an absolute path).</param>
    /// <param name="escapeDigits">The digits that stop playback; <see cref="EscapeDigits.None"/> (the default) plays to the end.</param>
    /// <param name="sampleOffset">Where to start, in samples (8000 per second for 8 kHz files); 0 plays from the start. An offset past the end plays nothing.</param>
    /// <param name="cancellationToken">Stops waiting for the reply (the file keeps playing on Asterisk's side; the next command waits for the reply).</param>
    /// <returns>
    /// <see cref="PlaybackStatus.Completed"/> when the file played to its end, <see cref="PlaybackStatus.DigitPressed"/> with the
    /// digit, or <see cref="PlaybackStatus.Failed"/> when Asterisk could not play it (the file does not exist); with the position
    /// where playback stopped, in samples.
    /// </returns>
    /// <exception cref="AgiHangupException">The call hung up before or during playback.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<PlaybackResult> StreamFileAsync(
        this AgiSession session,
        string file,
        EscapeDigits escapeDigits = default,
        long sampleOffset = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentOutOfRangeException.ThrowIfNegative(sampleOffset);

        // handle_streamfile(): the escape digits are mandatory ("" for none), the offset optional.
        string[] arguments = sampleOffset == 0
            ? [file, escapeDigits.ToString()]
            : [file, escapeDigits.ToString(), Format(sampleOffset)];
        AgiReply reply = await SendAsync(session, StreamFileCommand, arguments, cancellationToken).ConfigureAwait(false);
        return await ToPlaybackResultAsync(session, StreamFileCommand, reply, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Plays a sound file the caller can control (CONTROL STREAM FILE): skip forward and back, pause, and stop with one of
    /// <paramref name="stopDigits"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Sends <c>CONTROL STREAM FILE file stop_digits [skipms] [ffchar] [rewchar] [pausechar] [offsetms]</c>; Asterisk answers
    /// <c>200 result=&lt;0|digit|-1&gt; endpos=&lt;ms&gt;</c> and sets <c>CPLAYBACKSTATUS</c>, <c>CPLAYBACKOFFSET</c> and <c>CPLAYBACKSTOPKEY</c>.
    /// Unlike STREAM FILE, <c>endpos</c> is in milliseconds and <c>-1</c> means "played to the end"; the result keeps the two apart.
    /// Unlike STREAM FILE, it is not interrupted when another command is sent early.
    /// </para>
    /// <para>
    /// Pitfall: a digit that is both a stop digit and the fast-forward, rewind or pause digit does not stop playback. The
    /// defaults are <c>#</c> (fast forward) and <c>*</c> (rewind), so <c>#</c> as a stop digit silently never stops unless
    /// <paramref name="fastForwardDigit"/> is changed.
    /// </para>
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="file">The sound file, without extension.</param>
    /// <param name="stopDigits">The digits that stop playback; <see cref="EscapeDigits.None"/> (the default) plays to the end.</param>
    /// <param name="skip">How far fast forward and rewind jump; <see langword="null"/> for Asterisk's 3 seconds.</param>
    /// <param name="fastForwardDigit">The fast-forward digit; <see langword="null"/> for <c>#</c>.</param>
    /// <param name="rewindDigit">The rewind digit; <see langword="null"/> for <c>*</c>.</param>
    /// <param name="pauseDigit">The digit that pauses and resumes; <see langword="null"/> for none.</param>
    /// <param name="offset">Where to start in the file; <see langword="null"/> plays from the start.</param>
    /// <param name="cancellationToken">Stops waiting for the reply (the next command waits for it).</param>
    /// <returns>How playback ended, the stop digit if any, and where it stopped in milliseconds (<see langword="null"/>: at the end).</returns>
    /// <exception cref="AgiHangupException">The call hung up before or during playback.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<ControlPlaybackResult> ControlStreamFileAsync(
        this AgiSession session,
        string file,
        EscapeDigits stopDigits = default,
        TimeSpan? skip = null,
        char? fastForwardDigit = null,
        char? rewindDigit = null,
        char? pauseDigit = null,
        TimeSpan? offset = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        if (skip == Timeout.InfiniteTimeSpan || offset == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(skip == Timeout.InfiniteTimeSpan ? nameof(skip) : nameof(offset), "A skip or offset cannot be infinite.");
        }

        var arguments = new List<string>(7) { file, stopDigits.ToString() };

        // handle_controlstreamfile(): positional optional arguments, so each one sent needs the ones before it; an empty
        // ff/rew/pause argument means the default.
        string?[] optional =
        [
            skip is { } s ? Milliseconds(s, "-1", allowZero: true, nameof(skip)) : null,
            fastForwardDigit is { } ff ? DtmfDigit(ff, nameof(fastForwardDigit)) : null,
            rewindDigit is { } rew ? DtmfDigit(rew, nameof(rewindDigit)) : null,
            pauseDigit is { } pause ? DtmfDigit(pause, nameof(pauseDigit)) : null,
            offset is { } o ? Milliseconds(o, "-1", allowZero: true, nameof(offset)) : null,
        ];
        int last = Array.FindLastIndex(optional, value => value is not null);
        for (int i = 0; i <= last; i++)
        {
            arguments.Add(optional[i] ?? (i == 0 ? "3000" : string.Empty));
        }

        AgiReply reply = await SendAsync(session, ControlStreamFileCommand, [.. arguments], cancellationToken).ConfigureAwait(false);
        (PlaybackStatus status, char? digit) = await PlaybackOutcomeAsync(session, ControlStreamFileCommand, reply, cancellationToken).ConfigureAwait(false);
        long endpos = reply.EndPosition ?? throw Unexpected(ControlStreamFileCommand, reply);
        return new ControlPlaybackResult(status, digit, endpos < 0 ? null : TimeSpan.FromMilliseconds(endpos));
    }

    private static async ValueTask<PlaybackResult> ToPlaybackResultAsync(AgiSession session, string command, AgiReply reply, CancellationToken cancellationToken)
    {
        (PlaybackStatus status, char? digit) = await PlaybackOutcomeAsync(session, command, reply, cancellationToken).ConfigureAwait(false);
        long endSample = reply.EndPosition ?? throw Unexpected(command, reply);
        return new PlaybackResult(status, digit, endSample);
    }

    private static string DtmfDigit(char digit, string parameterName)
        => EscapeDigits.IsDtmfDigit(digit)
            ? new string(char.ToUpperInvariant(digit), 1)
            : throw new ArgumentOutOfRangeException(parameterName, digit, "Only a DTMF digit (0-9, *, #, A-D) can be pressed.");
}
