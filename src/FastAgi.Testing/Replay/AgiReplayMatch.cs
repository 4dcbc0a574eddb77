namespace FastAgi.Testing.Replay;

/// <summary>How a replay compares the script's command lines with the recorded ones.</summary>
public enum AgiReplayMatch
{
    /// <summary>Asterisk must read the same words from both (<c>STREAM FILE x "12#"</c> equals <c>STREAM FILE x 12#</c>); command words compare case-insensitively.</summary>
    SameWords,

    /// <summary>The bytes must be identical.</summary>
    ExactBytes,
}
