namespace FastAgi.Commands;

/// <summary>How STREAM FILE or GET OPTION ended, and where in the file playback stopped.</summary>
/// <param name="Status">Whether the file played to the end, a digit interrupted it, or Asterisk could not play it.</param>
/// <param name="Digit">The escape digit the caller pressed, or <see langword="null"/>.</param>
/// <param name="EndSample">
/// Asterisk's <c>endpos</c>: the position where playback stopped, in <b>samples</b> (8000 per second for the usual 8 kHz
/// files); the file's length when it played to the end, 0 when it could not be opened. Pass it back as the
/// <c>sampleOffset</c> of <see cref="AgiCommands.StreamFileAsync"/> to resume. Not milliseconds: CONTROL STREAM FILE reports
/// those, in <see cref="ControlPlaybackResult.EndOffset"/>.
/// </param>
public readonly record struct PlaybackResult(PlaybackStatus Status, char? Digit, long EndSample);
