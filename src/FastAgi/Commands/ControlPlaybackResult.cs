namespace FastAgi.Commands;

/// <summary>How CONTROL STREAM FILE ended, and where in the file playback stopped.</summary>
/// <param name="Status">Whether the file played to the end, a stop digit interrupted it, or Asterisk could not play it.</param>
/// <param name="Digit">The stop digit the caller pressed, or <see langword="null"/>.</param>
/// <param name="EndOffset">
/// Asterisk's <c>endpos</c>, which for this command is in <b>milliseconds</b> (unlike STREAM FILE's samples): the offset into the
/// file where playback stopped. <see langword="null"/> when Asterisk reported <c>-1</c>, which it does when the file played to its
/// end (and when it could not play it: see <see cref="Status"/>). The same value is in the channel variable <c>CPLAYBACKOFFSET</c>.
/// </param>
public readonly record struct ControlPlaybackResult(PlaybackStatus Status, char? Digit, TimeSpan? EndOffset);
