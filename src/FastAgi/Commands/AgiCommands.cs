using System.Globalization;
using FastAgi.Protocol;
using FastAgi.Server;

namespace FastAgi.Commands;

/// <summary>
/// Every AGI command of Asterisk 22 as a typed extension method on <see cref="AgiSession"/>, plus the helpers IVR scripts
/// reach for (prompt sequences, digit collection, menus, Dial/Playback/Read/Set/Goto through EXEC).
/// </summary>
/// <remarks>
/// <para>One rule for failures, applied to every command (docs/commands.md lists it with every command):</para>
/// <list type="bullet">
/// <item><description>The caller hung up or the connection closed: <see cref="AgiHangupException"/>. That covers Asterisk's
/// <c>511</c> (a command that cannot run on a dead channel), a closed connection, and a <c>result=-1</c> from a command that
/// talks to the channel (playback, SAY, input, ANSWER, text) when the call turns out to be gone.</description></item>
/// <item><description><c>510</c> (unknown command), any other status but 200, EXEC of an application that does not exist, or a
/// reply that does not match the command: <see cref="AgiCommandException"/>. <c>520</c> (usage): <see cref="AgiUsageException"/>,
/// with the usage text.</description></item>
/// <item><description>Everything else the reply says is a result: a digit, a timeout, "not found", and <c>Failed</c> when the
/// command failed on a live call (for example a prompt file that does not exist).</description></item>
/// </list>
/// <para>
/// A <c>result=-1</c> is ambiguous in Asterisk: the same reply means "the file does not exist" and "the caller hung up".
/// Asterisk writes its <c>HANGUP</c> line only after that reply (~40 ms later, Nagle), but always before it reads the next
/// command. So when the session has not seen a hangup yet, the command sends <c>CHANNEL STATUS</c>, which Asterisk refuses
/// with <c>511</c> on a hung-up channel: one extra round trip, only after a <c>-1</c>, and the answer is certain.
/// </para>
/// <para>
/// RECORD FILE and SPEECH RECOGNIZE name their reason in the reply, so they need no such check: RECORD FILE returns
/// <see cref="RecordEndReason.Hangup"/> (the recording is kept, as a voicemail needs), SPEECH RECOGNIZE's <c>(hangup)</c>
/// throws <see cref="AgiHangupException"/>.
/// </para>
/// </remarks>
public static partial class AgiCommands
{
    private const string ChannelStatusCommand = "CHANNEL STATUS";

    private static CultureInfo Invariant => CultureInfo.InvariantCulture;

    /// <summary>Sends a command and returns its 200 reply; every other status becomes an exception.</summary>
    private static async ValueTask<AgiReply> SendAsync(AgiSession session, string command, string[] arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);

        AgiReply reply = await session.SendCommandAsync(command, arguments, cancellationToken).ConfigureAwait(false);
        return reply.EnsureSuccess(command);
    }

    /// <summary>The numeric result of a 200 reply; a reply without one does not match any documented reply.</summary>
    private static long ResultCode(string command, AgiReply reply) => reply.ResultCode ?? throw Unexpected(command, reply);

    private static AgiCommandException Unexpected(string command, AgiReply reply)
        => new(command, reply, $"Asterisk answered '{command}' with '{AgiLogText.Escape(reply.ToString())}', which is not a reply this command documents.");

    /// <summary>
    /// Called after a command that talks to the channel answered <c>result=-1</c> ("failed or hung up"): throws
    /// <see cref="AgiHangupException"/> when the call has hung up, returns when the failure happened on a live call.
    /// </summary>
    private static async ValueTask ThrowIfHungUpAsync(AgiSession session, string command, AgiReply reply, CancellationToken cancellationToken)
    {
        (AgiHangupReason? reason, AgiHangupException? probe) = await HangupReasonAsync(session, cancellationToken).ConfigureAwait(false);
        if (reason is { } hungUp)
        {
            throw HungUp(hungUp, command, reply, probe);
        }
    }

    /// <summary>After a <c>result=-1</c>: why the call is over, or <see langword="null"/> when it is still up (checked with one CHANNEL STATUS unless a hangup was already seen).</summary>
    private static async ValueTask<(AgiHangupReason? Reason, AgiHangupException? Probe)> HangupReasonAsync(AgiSession session, CancellationToken cancellationToken)
    {
        if (!session.IsHungUp)
        {
            try
            {
                // run_agi() writes HANGUP (and marks the session dead) before it reads the next command, so a probe that
                // Asterisk refuses on a dead channel settles it, AGISIGHUP=no included.
                await session.SendCommandAsync(ChannelStatusCommand, cancellationToken).ConfigureAwait(false);
            }
            catch (AgiHangupException ex)
            {
                return (ex.Reason, ex);
            }

            if (!session.IsHungUp)
            {
                return (null, null);
            }
        }

        return (AgiHangupReason.DeadChannel, null);
    }

    private static AgiHangupException HungUp(AgiHangupReason reason, string command, AgiReply reply, Exception? inner)
        => new(reason, $"'{command}' ended because the call hung up (Asterisk answered '{AgiLogText.Escape(reply.ToString())}').", inner);

    /// <summary>Classifies a playback-style result code: 0 finished, a positive ASCII code is the digit, -1 failed (checked for a hangup).</summary>
    private static async ValueTask<(PlaybackStatus Status, char? Digit)> PlaybackOutcomeAsync(AgiSession session, string command, AgiReply reply, CancellationToken cancellationToken)
    {
        long code = ResultCode(command, reply);
        if (code < 0)
        {
            await ThrowIfHungUpAsync(session, command, reply, cancellationToken).ConfigureAwait(false);
            return (PlaybackStatus.Failed, null);
        }

        return code == 0 ? (PlaybackStatus.Completed, null) : (PlaybackStatus.DigitPressed, ToDigit(command, reply, code));
    }

    /// <summary>Asterisk reports a digit as its ASCII code (<c>result=35</c> for <c>#</c>).</summary>
    private static char ToDigit(string command, AgiReply reply, long code)
        => code is > 0 and <= char.MaxValue ? (char)code : throw Unexpected(command, reply);

    private static string Format(long value) => value.ToString(Invariant);

    /// <summary>A timeout in milliseconds, rounded up so a tiny positive value never becomes Asterisk's special 0.</summary>
    /// <param name="value">The timeout; <see cref="Timeout.InfiniteTimeSpan"/> gives <paramref name="infinite"/>.</param>
    /// <param name="infinite">What the command takes for "no limit" (-1 for most, 0 for RECEIVE CHAR/TEXT).</param>
    /// <param name="allowZero">Whether <see cref="TimeSpan.Zero"/> is accepted (refused where Asterisk reads 0 as "default" or "forever").</param>
    /// <param name="parameterName">For the exception.</param>
    private static string Milliseconds(TimeSpan value, string infinite, bool allowZero, string parameterName)
    {
        if (value == Timeout.InfiniteTimeSpan)
        {
            return infinite;
        }

        if (value < TimeSpan.Zero || (value == TimeSpan.Zero && !allowZero))
        {
            throw new ArgumentOutOfRangeException(
                parameterName,
                value,
                allowZero
                    ? "The timeout must be zero or positive, or Timeout.InfiniteTimeSpan."
                    : "The timeout must be positive, or Timeout.InfiniteTimeSpan: Asterisk reads 0 as a special value for this command.");
        }

        double milliseconds = Math.Ceiling(value.TotalMilliseconds);
        if (milliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "The timeout must fit in a 32-bit count of milliseconds; use Timeout.InfiniteTimeSpan for no limit.");
        }

        return Format((long)milliseconds);
    }

    /// <summary>Whole seconds, rounded up, at least 1: for arguments Asterisk reads as seconds (Dial, SPEECH RECOGNIZE, RECORD FILE's silence).</summary>
    private static string WholeSeconds(TimeSpan value, string parameterName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, parameterName);
        double seconds = Math.Ceiling(value.TotalSeconds);
        if (seconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "The duration must fit in a 32-bit count of seconds.");
        }

        return Format((long)seconds);
    }

    /// <summary>Seconds with up to microsecond precision, for arguments Asterisk reads as a decimal number (SET AUTOHANGUP, Read's timeout).</summary>
    private static string DecimalSeconds(TimeSpan value) => value.TotalSeconds.ToString("0.######", Invariant);
}
