namespace FastAgi.Commands;

/// <summary>How a SAY command (ALPHA, DIGITS, NUMBER, PHONETIC, DATE, TIME, DATETIME) ended.</summary>
/// <param name="Status">Whether everything was said, a digit interrupted it, or Asterisk could not play a sound file it needed.</param>
/// <param name="Digit">The escape digit the caller pressed, or <see langword="null"/>.</param>
public readonly record struct SayResult(PlaybackStatus Status, char? Digit);
