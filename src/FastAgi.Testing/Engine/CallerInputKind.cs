namespace FastAgi.Testing.Engine;

/// <summary>What the caller does next, as queued in <see cref="CallerInput"/>.</summary>
internal enum CallerInputKind
{
    /// <summary>Presses a DTMF digit.</summary>
    Digit,

    /// <summary>Stays silent: the next command that waits for input times out.</summary>
    Silence,

    /// <summary>Hangs up during the next command that plays to or waits for the caller.</summary>
    HangUp,
}
