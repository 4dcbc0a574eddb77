namespace FastAgi.Protocol;

/// <summary>What <see cref="AgiReplyParser.TryParse"/> found at the start of its input.</summary>
public enum AgiReplyParseStatus
{
    /// <summary>The input does not hold a complete message yet; nothing was consumed.</summary>
    Incomplete,

    /// <summary>A complete reply was consumed.</summary>
    Reply,

    /// <summary>The unsolicited <c>HANGUP</c> line Asterisk sends when the channel hangs up was consumed; it is not a reply.</summary>
    Hangup,

    /// <summary>
    /// From <see cref="AgiReplyParser.TryParseFenced"/>: a reply has begun, so Asterisk has read the command and the fence can
    /// be sent; its end has not arrived yet. Nothing was consumed.
    /// </summary>
    ReplyStarted,
}
