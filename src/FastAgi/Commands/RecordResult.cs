namespace FastAgi.Commands;

/// <summary>How RECORD FILE ended and how much it recorded.</summary>
/// <param name="Reason">Why recording stopped; see <see cref="RecordEndReason"/> for which reasons keep a recording.</param>
/// <param name="Digit">The escape digit that stopped the recording (or interrupted the beep), or <see langword="null"/>.</param>
/// <param name="EndSample">
/// Asterisk's <c>endpos</c>: the end of the recording, in samples of the recorded format (8000 per second for 8 kHz formats
/// such as <c>wav</c> or <c>gsm</c>); 0 when Asterisk did not say (<c>(writefile)</c>). It stays 0 when no audio frames
/// arrived, even for a recording that lasted its whole timeout.
/// </param>
public readonly record struct RecordResult(RecordEndReason Reason, char? Digit, long EndSample);
