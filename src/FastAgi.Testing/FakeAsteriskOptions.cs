using Microsoft.Extensions.Logging;

namespace FastAgi.Testing;

/// <summary>How a <see cref="FakeAsterisk"/> runs its call.</summary>
public sealed class FakeAsteriskOptions
{
    private TimeSpan _timeout = TimeSpan.FromSeconds(10);

    /// <summary>The bound on every wait: for the connection, for each command, for the server to close. A hung script fails with a message naming what the fake was waiting for. Default 10 s.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan Timeout
    {
        get => _timeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _timeout = value;
        }
    }

    /// <summary>
    /// When <see langword="true"/>, every command must be the next expected one, and anything else fails the call. When
    /// <see langword="false"/> (the default), commands that are not the next expected one get Asterisk's default reply, so a
    /// test only scripts what matters; expectations must still be met in order.
    /// </summary>
    public bool Strict { get; set; }

    /// <summary>Whether <c>CallAsync</c> throws <see cref="FakeAsteriskAssertionException"/> when the call failed (the default); otherwise read <see cref="FakeCallResult.Failure"/>.</summary>
    public bool ThrowOnFailure { get; set; } = true;

    /// <summary>Whether a command that would wait forever for a caller with nothing left to do (WAIT FOR DIGIT -1, …) makes the caller hang up instead of failing the call.</summary>
    public bool EndlessWaitHangsUp { get; set; }

    /// <summary>Whether syntax errors get the multi-line 520 block with usage text (Asterisk built with XML documentation, the default) rather than the single-line 520.</summary>
    public bool UsageAvailable { get; set; } = true;

    /// <summary>
    /// Whether a replayed recording (<see cref="FakeAsterisk.FromRecording"/>) keeps the pauses of 20 ms or more between the
    /// writes of one recorded reply, up to 50 ms each. Asterisk writes a multi-line reply (a 520 usage block, GOSUB's
    /// <c>100</c> then <c>200</c>) line by line without TCP_NODELAY, so its lines reach the server ~40 ms apart, and the
    /// server must put the reply back together. Off by default: the replay writes without pauses.
    /// </summary>
    public bool ReplayPauses { get; set; }

    /// <summary>
    /// Classic AGI: Asterisk tells a local script of the hangup with SIGHUP, never a <c>HANGUP</c> line. When set, the fake
    /// calls this where it would write its first <c>HANGUP</c> line (deliver the signal, such as <c>kill(pid, SIGHUP)</c>) and
    /// writes no <c>HANGUP</c> line at all. <see langword="null"/> (the default) plays FastAGI.
    /// </summary>
    public Action? HangupSignal { get; set; }

    /// <summary>Logging for the FastAgi server that runs in-process (<c>CallAsync(script)</c>); none by default.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
