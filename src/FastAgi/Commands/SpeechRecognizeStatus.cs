namespace FastAgi.Commands;

/// <summary>How SPEECH RECOGNIZE ended.</summary>
public enum SpeechRecognizeStatus
{
    /// <summary><c>200 result=1 (speech) endpos=… results=…</c>: the engine produced results, possibly none.</summary>
    Speech,

    /// <summary><c>200 result=1 (digit) digit=X endpos=…</c>: the caller pressed a DTMF digit instead of speaking.</summary>
    Digit,

    /// <summary><c>200 result=1 (timeout) endpos=…</c>: nothing was recognized within the timeout after the prompt.</summary>
    Timeout,

    /// <summary>
    /// <c>200 result=0</c>: Asterisk did not listen, because there is no speech object (SPEECH CREATE was not called or failed,
    /// for example with no speech engine loaded) or the channel could not switch to signed linear audio.
    /// </summary>
    Failed,
}
