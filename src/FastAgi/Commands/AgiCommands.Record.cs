using FastAgi.Protocol;
using FastAgi.Server;

namespace FastAgi.Commands;

public static partial class AgiCommands
{
    private const string RecordFileCommand = "RECORD FILE";

    /// <summary>Records the caller's audio to a file until an escape digit, the time limit, silence or a hangup (RECORD FILE).</summary>
    /// <remarks>
    /// <para>
    /// Sends <c>RECORD FILE file format escape_digits timeout_ms [offset_samples] [BEEP] [s=silence_seconds]</c>. Asterisk answers
    /// <c>200 result=&lt;n&gt; (&lt;reason&gt;) endpos=&lt;samples&gt;</c> where the word in parentheses says why it stopped; the result says
    /// it as <see cref="RecordResult.Reason"/>. The file is written on the Asterisk server, as <c>file.format</c>, relative to
    /// <c>/var/lib/asterisk/sounds</c> unless absolute.
    /// </para>
    /// <para>
    /// Unlike the other commands that talk to the channel, a hangup does not throw here: the reply names it, and what was recorded
    /// up to the hangup is kept, which is how most voicemails end. Check <see cref="AgiSession.IsHungUp"/> or let the next command
    /// throw. RECORD FILE is not interrupted by an early command.
    /// </para>
    /// <para>
    /// Pitfalls: Asterisk answers <c>(timeout)</c> for a silence ending as well as for the time limit, with a meaningless number as
    /// the result; a bad directory or format gives <c>(writefile)</c> and makes the session's final <c>AGISTATUS</c> <c>FAILURE</c>.
    /// </para>
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="file">The file to write, without extension.</param>
    /// <param name="format">The audio format and extension, such as <c>wav</c>, <c>gsm</c>, <c>ulaw</c> or <c>sln</c>.</param>
    /// <param name="escapeDigits">The digits that end the recording; <see cref="EscapeDigits.None"/> for none (then only the time limit, silence or a hangup end it).</param>
    /// <param name="timeout">The longest recording; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="beep">Whether to play a beep before recording.</param>
    /// <param name="silence">How much silence ends the recording, in whole seconds (rounded up); <see langword="null"/> not to detect silence.</param>
    /// <param name="sampleOffset">Where in an existing file to start writing, in samples; 0 (the default) creates or overwrites the file.</param>
    /// <param name="cancellationToken">Stops waiting for the reply (the next command waits for it).</param>
    /// <returns>Why the recording stopped, the digit pressed if any, and its end in samples.</returns>
    /// <exception cref="AgiHangupException">The call had hung up before the command (Asterisk refuses it on a dead channel).</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<RecordResult> RecordFileAsync(
        this AgiSession session,
        string file,
        string format,
        EscapeDigits escapeDigits,
        TimeSpan timeout,
        bool beep = false,
        TimeSpan? silence = null,
        long sampleOffset = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentException.ThrowIfNullOrWhiteSpace(format);
        ArgumentOutOfRangeException.ThrowIfNegative(sampleOffset);
        var arguments = new List<string>(7) { file, format, escapeDigits.ToString(), Milliseconds(timeout, "-1", allowZero: true, nameof(timeout)) };

        // handle_recordfile(): a numeric 6th word is the offset, a word without '=' the beep, "s=N" the silence in seconds.
        if (sampleOffset > 0)
        {
            arguments.Add(Format(sampleOffset));
        }

        if (beep)
        {
            arguments.Add("BEEP");
        }

        if (silence is { } s)
        {
            arguments.Add("s=" + WholeSeconds(s, nameof(silence)));
        }

        AgiReply reply = await SendAsync(session, RecordFileCommand, [.. arguments], cancellationToken).ConfigureAwait(false);
        long code = ResultCode(RecordFileCommand, reply);
        long endSample = reply.EndPosition ?? 0;
        RecordEndReason reason = reply.Data switch
        {
            "dtmf" => RecordEndReason.Digit,
            "timeout" => RecordEndReason.TimeoutOrSilence,
            "hangup" => RecordEndReason.Hangup,
            "writefile" => RecordEndReason.WriteError,
            "waitfor" => RecordEndReason.WaitError,
            "randomerror" => RecordEndReason.BeepError,
            null when code < 0 => RecordEndReason.SilenceDetectionError,
            _ => throw Unexpected(RecordFileCommand, reply),
        };

        // A hangup during the beep is "200 result=-1 (randomerror)" too: checked the way other -1 results are.
        if (reason == RecordEndReason.BeepError && code < 0
            && (await HangupReasonAsync(session, cancellationToken).ConfigureAwait(false)).Reason is not null)
        {
            return new RecordResult(RecordEndReason.Hangup, null, endSample);
        }

        // "(dtmf)" carries the digit; "(randomerror)" carries one when a digit interrupted the beep, else -1.
        char? digit = (reason is RecordEndReason.Digit or RecordEndReason.BeepError) && code > 0 ? ToDigit(RecordFileCommand, reply, code) : null;
        return new RecordResult(reason, digit, endSample);
    }
}
