namespace FastAgi.Testing.Engine;

/// <summary>How the <see cref="AsteriskEngine"/> behaves where Asterisk's own behaviour depends on how it was built or where a fake has to choose.</summary>
public sealed class AsteriskEngineOptions
{
    /// <summary>
    /// Whether commands have usage text, as when Asterisk is built with XML documentation (the default): a syntax error gets the
    /// multi-line <c>520-</c> block. When <see langword="false"/>, it gets <c>520 Invalid command syntax.  Proper usage not available.</c> (recorded in 03b).
    /// </summary>
    public bool UsageAvailable { get; set; } = true;

    /// <summary>
    /// What a command that would wait forever does when the caller has nothing left to press (WAIT FOR DIGIT -1, GET DATA with a
    /// negative timeout, RECORD FILE -1): <see langword="false"/> (the default) reports it as blocked, so a test fails with a message;
    /// <see langword="true"/> makes the caller hang up instead, which suits an interactive or command-line session.
    /// </summary>
    public bool EndlessWaitHangsUp { get; set; }

    /// <summary>The clock behind <c>${EPOCH}</c>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
