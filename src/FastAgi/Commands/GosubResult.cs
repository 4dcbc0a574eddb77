namespace FastAgi.Commands;

/// <summary>How GOSUB ended. GOSUB answers <c>100 result=0 Trying...</c> at once and its final line only when the subroutine returns.</summary>
public enum GosubResult
{
    /// <summary><c>200 result=0 Gosub complete</c>: the subroutine ran and called <c>Return()</c>. Read its return value from the channel variable <c>GOSUB_RETVAL</c>.</summary>
    Completed,

    /// <summary>
    /// <c>200 result=0 Gosub complete (abnormal exit)</c>: the subroutine left without <c>Return()</c>, typically because the channel
    /// hung up inside it (after a <c>Goto()</c> elsewhere, for example). Expect a hangup right after.
    /// </summary>
    AbnormalExit,

    /// <summary><c>200 result=-1 Gosub label not found</c>: the context, extension or priority does not exist. Nothing ran; AGISTATUS becomes FAILURE.</summary>
    LabelNotFound,

    /// <summary><c>200 result=&lt;n&gt; Gosub failed</c>: Asterisk could not start the subroutine.</summary>
    Failed,
}
