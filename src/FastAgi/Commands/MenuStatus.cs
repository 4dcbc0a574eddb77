namespace FastAgi.Commands;

/// <summary>How <see cref="AgiCommands.MenuAsync"/> ended.</summary>
public enum MenuStatus
{
    /// <summary>The caller chose one of the valid choices; the result's <c>Choice</c> says which.</summary>
    Selected,

    /// <summary>Every attempt ended with no digit or an invalid one.</summary>
    NoValidInput,

    /// <summary>A prompt could not be played (the file does not exist) while the call is still up. A hangup throws <see cref="Server.AgiHangupException"/> instead.</summary>
    Failed,
}
