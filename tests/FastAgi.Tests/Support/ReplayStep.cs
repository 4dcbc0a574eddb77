namespace FastAgi.Tests.Support;

/// <summary>One command of a recorded call and the reply Asterisk gave it, computed from the recorded bytes (not by our parser).</summary>
/// <param name="Line">The recorded command line, without its LF.</param>
/// <param name="Command">The command words as recorded, for <c>SendCommandAsync</c>.</param>
/// <param name="Arguments">The arguments as Asterisk read them.</param>
/// <param name="Canonical">Whether our writer writes (<see cref="Command"/>, <see cref="Arguments"/>) as exactly the recorded bytes.</param>
/// <param name="Outcome">How the command ends.</param>
/// <param name="StatusCode">The status code of the reply, for <see cref="ReplayOutcome.Reply"/>.</param>
/// <param name="Text">Everything after <c>NNN </c>: the first line, or for a value holding LF, the lines joined with LF.</param>
/// <param name="Usage">For a multi-line 520 reply, the usage lines joined with LF; otherwise <see langword="null"/>.</param>
public sealed record ReplayStep(string Line, string Command, IReadOnlyList<string> Arguments, bool Canonical, ReplayOutcome Outcome, int StatusCode, string Text, string? Usage);
