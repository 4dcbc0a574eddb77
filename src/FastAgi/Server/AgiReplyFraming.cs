namespace FastAgi.Server;

/// <summary>How the session finds where a command's reply ends.</summary>
public enum AgiReplyFraming
{
    /// <summary>
    /// <see cref="Fenced"/> for the commands whose reply carries a value that may hold line feeds (GET VARIABLE, GET FULL
    /// VARIABLE, DATABASE GET, RECEIVE TEXT, SPEECH RECOGNIZE), <see cref="Line"/> for every other command.
    /// </summary>
    Auto,

    /// <summary>
    /// The reply is one line (a <c>520</c> usage block and GOSUB's interim line aside). A value holding a line feed is
    /// joined up to the next line ending in <c>)</c>, which a value can fake: use it only for values known to hold no line
    /// feed. Costs no extra round trip.
    /// </summary>
    Line,

    /// <summary>
    /// Once the reply has begun, the session sends a <see cref="Protocol.AgiReplyFence"/> (a GET FULL VARIABLE of a random
    /// token), and the reply is everything up to that fence's reply: exact whatever the value holds. Costs one round trip.
    /// </summary>
    Fenced,
}
