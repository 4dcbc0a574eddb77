namespace FastAgi.Commands;

/// <summary>The digits GET DATA (or <see cref="AgiCommands.CollectDigitsAsync"/>) collected and how collection ended.</summary>
/// <param name="Status">Whether the input was complete, timed out, or the prompt could not be played.</param>
/// <param name="Digits">The digits entered, without the terminator; empty when none were (which is not an error).</param>
public readonly record struct GetDataResult(GetDataStatus Status, string Digits)
{
    /// <summary>Whether the caller stopped typing before the maximum (Asterisk's <c>(timeout)</c>); <see cref="Digits"/> holds what came before.</summary>
    public bool TimedOut => Status == GetDataStatus.TimedOut;
}
