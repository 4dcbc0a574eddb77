namespace FastAgi.Testing.Engine;

/// <summary>Who ended the channel.</summary>
public enum AsteriskHangupSource
{
    /// <summary>The channel has not hung up.</summary>
    None,

    /// <summary>The caller hung up (Asterisk's <c>HANGUP</c> line followed, HANGUPCAUSE 16).</summary>
    Caller,

    /// <summary>The script hung up the channel itself: the HANGUP command or <c>EXEC Hangup</c>.</summary>
    Script,
}
