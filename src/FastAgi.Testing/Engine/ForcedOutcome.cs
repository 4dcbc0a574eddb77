namespace FastAgi.Testing.Engine;

/// <summary>An outcome a test imposes on one command instead of what the caller's queued input would give.</summary>
internal enum ForcedKind
{
    /// <summary>A digit is pressed (the text holds it).</summary>
    Digit,

    /// <summary>GET DATA receives these digits (the text).</summary>
    Digits,

    /// <summary>Nothing is pressed: the command completes or times out.</summary>
    Timeout,

    /// <summary>A variable, database entry or text has this value (the text).</summary>
    Value,

    /// <summary>A variable or database entry is not set.</summary>
    NotSet,

    /// <summary>The file to play or record cannot be used.</summary>
    Failure,

    /// <summary>The caller hangs up during the command.</summary>
    HangUp,
}

/// <summary>The outcome forced on one command, with its text.</summary>
internal sealed record ForcedOutcome(ForcedKind Kind, string Text = "")
{
    public string Describe() => Kind switch
    {
        ForcedKind.Digit => $"ReplyDigit('{Text}')",
        ForcedKind.Digits => $"ReplyDigits(\"{Text}\")",
        ForcedKind.Timeout => "ReplyTimeout()",
        ForcedKind.Value => $"ReplyValue(\"{Text}\")",
        ForcedKind.NotSet => "ReplyNotSet()",
        ForcedKind.Failure => "ReplyFailure()",
        _ => "CallerHangsUp()",
    };
}
