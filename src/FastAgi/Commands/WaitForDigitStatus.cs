namespace FastAgi.Commands;

/// <summary>How WAIT FOR DIGIT ended.</summary>
public enum WaitForDigitStatus
{
    /// <summary>The caller pressed a digit; the result's <c>Digit</c> says which. Asterisk's <c>result=&lt;ASCII code&gt;</c>.</summary>
    DigitPressed,

    /// <summary>No digit came within the timeout: <c>200 result=0</c>.</summary>
    TimedOut,

    /// <summary>Asterisk reported a channel failure (<c>200 result=-1</c>) while the call is still up. A hangup throws <see cref="Server.AgiHangupException"/> instead.</summary>
    Failed,
}
