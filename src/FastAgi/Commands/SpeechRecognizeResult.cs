namespace FastAgi.Commands;

/// <summary>The outcome of SPEECH RECOGNIZE: what was recognized, or the digit pressed instead, or why nothing was.</summary>
/// <param name="Status">Whether speech was recognized, a digit was pressed, the recognizer timed out, or it could not run.</param>
/// <param name="Digit">For <see cref="SpeechRecognizeStatus.Digit"/>, the DTMF digit; otherwise <see langword="null"/>.</param>
/// <param name="EndSample">Asterisk's <c>endpos</c>: where in the prompt, in samples, playback was stopped because the caller started speaking; 0 when it was not stopped.</param>
/// <param name="Results">The recognition results in the engine's order (best first for most engines); empty unless <see cref="Status"/> is <see cref="SpeechRecognizeStatus.Speech"/>.</param>
public sealed record SpeechRecognizeResult(SpeechRecognizeStatus Status, char? Digit, long EndSample, IReadOnlyList<SpeechResult> Results);
