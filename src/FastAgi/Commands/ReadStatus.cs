namespace FastAgi.Commands;

/// <summary>The outcome of the <c>Read()</c> application, from its <c>READSTATUS</c> channel variable.</summary>
public enum ReadStatus
{
    /// <summary>READSTATUS was unset or held a value this version does not know.</summary>
    Unknown,

    /// <summary><c>OK</c>: digits were read (the maximum reached or <c>#</c> pressed).</summary>
    Ok,

    /// <summary><c>TIMEOUT</c>: the caller entered nothing, or stopped, before the timeout.</summary>
    Timeout,

    /// <summary><c>SKIPPED</c>: the channel was not answered and Read's <c>s</c> option was given.</summary>
    Skipped,

    /// <summary><c>INTERRUPTED</c>: Read was interrupted (its <c>t</c> terminator handling).</summary>
    Interrupted,

    /// <summary><c>HANGUP</c>: the caller hung up.</summary>
    Hangup,

    /// <summary><c>ERROR</c>: Read failed, for example a prompt file is missing.</summary>
    Error,
}
