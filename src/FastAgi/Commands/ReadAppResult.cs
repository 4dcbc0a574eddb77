namespace FastAgi.Commands;

/// <summary>The outcome of <see cref="AgiCommands.ReadAsync"/>: the digits the <c>Read()</c> application stored and its <c>READSTATUS</c>.</summary>
/// <param name="Status"><c>READSTATUS</c>, typed.</param>
/// <param name="Digits">The digits read, without the <c>#</c>; empty when none were.</param>
public readonly record struct ReadAppResult(ReadStatus Status, string Digits);
