namespace FastAgi.Tests.Support;

/// <summary>One command of a recorded call and the reply Asterisk gave it, computed from the recorded bytes (not by our parser).</summary>
/// <param name="Command">The command and arguments that make our writer produce the recorded line.</param>
/// <param name="Outcome">How the command ends.</param>
/// <param name="StatusCode">The status code of the reply, for <see cref="ReplayOutcome.Reply"/>.</param>
/// <param name="Text">Everything after <c>NNN </c>: the first line, or for a value holding LF, the lines joined with LF.</param>
/// <param name="Usage">For a multi-line 520 reply, the usage lines joined with LF; otherwise <see langword="null"/>.</param>
public sealed record ReplayStep(RecordedCommand Command, ReplayOutcome Outcome, int StatusCode, string Text, string? Usage);
