namespace FastAgi.Commands;

/// <summary>Why RECORD FILE stopped, from the word in parentheses of its reply.</summary>
public enum RecordEndReason
{
    /// <summary><c>200 result=&lt;ASCII code&gt; (dtmf) endpos=&lt;samples&gt;</c>: the caller pressed an escape digit; the recording is kept, minus ~200 ms of tone.</summary>
    Digit,

    /// <summary>
    /// <c>200 result=&lt;n&gt; (timeout) endpos=&lt;samples&gt;</c>: the maximum time was reached, or the silence limit was (Asterisk
    /// writes the same word for both; a silence ending has the trailing silence cut). <c>n</c> is a leftover wait value, not
    /// a status, and is ignored. The recording is kept.
    /// </summary>
    TimeoutOrSilence,

    /// <summary><c>200 result=-1 (hangup) endpos=&lt;samples&gt;</c>: the caller hung up while recording; what was recorded until then is kept (the usual end of a voicemail).</summary>
    Hangup,

    /// <summary><c>200 result=-1 (writefile)</c>: Asterisk could not create the file (missing directory, no permission, unknown format). Nothing was recorded; AGISTATUS becomes FAILURE.</summary>
    WriteError,

    /// <summary><c>200 result=-1 (waitfor) endpos=&lt;samples&gt;</c>: waiting for audio failed on the channel.</summary>
    WaitError,

    /// <summary>
    /// <c>200 result=&lt;n&gt; (randomerror) endpos=&lt;samples&gt;</c>: the beep before recording failed or was interrupted; nothing was
    /// recorded. When an escape digit interrupted the beep, the result's <c>Digit</c> holds it.
    /// </summary>
    BeepError,

    /// <summary><c>200 result=-1</c> with no word: Asterisk could not set up silence detection (switching the channel to signed linear or creating the detector failed).</summary>
    SilenceDetectionError,
}
