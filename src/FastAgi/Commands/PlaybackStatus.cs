namespace FastAgi.Commands;

/// <summary>How a prompt ended: STREAM FILE, CONTROL STREAM FILE, GET OPTION and the SAY commands.</summary>
public enum PlaybackStatus
{
    /// <summary>The prompt played to its end and no escape digit was pressed (for GET OPTION: none within the timeout either). Asterisk's <c>result=0</c>.</summary>
    Completed,

    /// <summary>The caller pressed one of the escape digits; the result's <c>Digit</c> says which. Asterisk's <c>result=&lt;ASCII code&gt;</c>.</summary>
    DigitPressed,

    /// <summary>
    /// Asterisk could not play the prompt, typically because the sound file does not exist in the channel's language
    /// (<c>200 result=-1 endpos=0</c>), while the call is still up. A <c>result=-1</c> caused by a hangup never gives this
    /// status: it throws <see cref="Server.AgiHangupException"/>.
    /// </summary>
    Failed,
}
