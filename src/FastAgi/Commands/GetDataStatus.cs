namespace FastAgi.Commands;

/// <summary>How GET DATA (or <see cref="AgiCommands.CollectDigitsAsync"/>) ended.</summary>
public enum GetDataStatus
{
    /// <summary>The caller entered the maximum number of digits or pressed the terminator (<c>#</c> for GET DATA); the digits may be empty when the terminator came first (<c>200 result=</c>).</summary>
    Completed,

    /// <summary>The caller stopped typing before the maximum: Asterisk's <c>(timeout)</c>, with whatever digits came before it, possibly none (<c>200 result= (timeout)</c>).</summary>
    TimedOut,

    /// <summary>Asterisk could not play the prompt (the file does not exist) while the call is still up (<c>200 result=-1</c>). A hangup throws <see cref="Server.AgiHangupException"/> instead.</summary>
    Failed,
}
