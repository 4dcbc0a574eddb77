using FastAgi.Protocol;
using FastAgi.Server;

namespace FastAgi.Commands;

public static partial class AgiCommands
{
    private const string AnswerCommand = "ANSWER";
    private const string HangupCommand = "HANGUP";
    private const string SetAutoHangupCommand = "SET AUTOHANGUP";
    private const string SetCallerIdCommand = "SET CALLERID";
    private const string SetMusicCommand = "SET MUSIC";
    private const string TddModeCommand = "TDD MODE";

    /// <summary>Answers the call if it is not answered yet (ANSWER).</summary>
    /// <remarks>
    /// Sends <c>ANSWER</c>; Asterisk answers <c>200 result=0</c> (also when the call was already up) or <c>200 result=-1</c> on failure.
    /// On a channel that is not up yet, Asterisk waits up to ~500 ms for media before replying.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> when the call is answered; <see langword="false"/> when Asterisk could not answer a call that is still there.</returns>
    /// <exception cref="AgiHangupException">The call hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<bool> AnswerAsync(this AgiSession session, CancellationToken cancellationToken = default)
    {
        AgiReply reply = await SendAsync(session, AnswerCommand, [], cancellationToken).ConfigureAwait(false);
        long code = ResultCode(AnswerCommand, reply);
        if (code < 0)
        {
            await ThrowIfHungUpAsync(session, AnswerCommand, reply, cancellationToken).ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>Hangs up this call (HANGUP).</summary>
    /// <remarks>
    /// Sends <c>HANGUP</c>; Asterisk answers <c>200 result=1</c>, then its unsolicited <c>HANGUP</c> line follows and
    /// <see cref="AgiSession.HangupToken"/> fires. Afterwards only the commands that run on a dead channel work (variables,
    /// database, EXEC, VERBOSE, NOOP); the rest throw <see cref="AgiHangupException"/>. The dialplan runs the <c>h</c> extension;
    /// <c>AGISTATUS</c> is <c>HANGUP</c>.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <exception cref="AgiHangupException">The call had already hung up (Asterisk refuses HANGUP on a dead channel).</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask HangupAsync(this AgiSession session, CancellationToken cancellationToken = default)
    {
        AgiReply reply = await SendAsync(session, HangupCommand, [], cancellationToken).ConfigureAwait(false);
        if (ResultCode(HangupCommand, reply) != 1)
        {
            throw Unexpected(HangupCommand, reply);
        }
    }

    /// <summary>Requests a hangup of another channel by name (HANGUP channel).</summary>
    /// <remarks>
    /// Sends <c>HANGUP channel</c>; Asterisk answers <c>200 result=1</c> when it requested a (soft) hangup, <c>200 result=-1</c> when no
    /// channel has that name. Pitfall: for the other half of a Local channel the hangup takes effect only when that half's
    /// dialplan ends.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="channelName">The channel, such as <c>PJSIP/bob-00000002</c>.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> when a hangup was requested; <see langword="false"/> when no channel has that name.</returns>
    /// <exception cref="AgiHangupException">This call has hung up (HANGUP does not run on a dead channel).</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<bool> HangupAsync(this AgiSession session, string channelName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelName);
        AgiReply reply = await SendAsync(session, HangupCommand, [channelName], cancellationToken).ConfigureAwait(false);
        return ResultCode(HangupCommand, reply) switch
        {
            1 => true,
            -1 => false,
            _ => throw Unexpected(HangupCommand, reply),
        };
    }

    /// <summary>Reads this call's channel state (CHANNEL STATUS).</summary>
    /// <remarks>
    /// Sends <c>CHANNEL STATUS</c>; Asterisk answers <c>200 result=&lt;state&gt;</c>. On a hung-up channel Asterisk refuses it (511),
    /// so this also tells for certain whether the call is still there.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The state, <see cref="ChannelState.Up"/> for an answered call.</returns>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<ChannelState> ChannelStatusAsync(this AgiSession session, CancellationToken cancellationToken = default)
    {
        AgiReply reply = await SendAsync(session, ChannelStatusCommand, [], cancellationToken).ConfigureAwait(false);
        long code = ResultCode(ChannelStatusCommand, reply);
        return code >= 0 ? (ChannelState)code : throw Unexpected(ChannelStatusCommand, reply);
    }

    /// <summary>Reads another channel's state by name (CHANNEL STATUS channel).</summary>
    /// <remarks>Sends <c>CHANNEL STATUS channel</c>; Asterisk answers <c>200 result=&lt;state&gt;</c>, or <c>200 result=-1</c> when no channel has that name.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="channelName">The channel, such as <c>PJSIP/bob-00000002</c>.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The state; <see langword="null"/> when no channel has that name.</returns>
    /// <exception cref="AgiHangupException">This call has hung up (CHANNEL STATUS does not run on a dead channel).</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<ChannelState?> ChannelStatusAsync(this AgiSession session, string channelName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelName);
        AgiReply reply = await SendAsync(session, ChannelStatusCommand, [channelName], cancellationToken).ConfigureAwait(false);
        long code = ResultCode(ChannelStatusCommand, reply);
        return code switch
        {
            -1 => null,
            >= 0 => (ChannelState)code,
            _ => throw Unexpected(ChannelStatusCommand, reply),
        };
    }

    /// <summary>Makes Asterisk hang up this call after <paramref name="delay"/>, or cancels that (SET AUTOHANGUP).</summary>
    /// <remarks>
    /// Sends <c>SET AUTOHANGUP seconds</c> (fractions allowed); Asterisk always answers <c>200 result=0</c>. When the time comes the
    /// call hangs up like any other: a command in progress ends with its hangup reply and <see cref="AgiSession.HangupToken"/> fires.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="delay">When to hang up, from now; <see cref="TimeSpan.Zero"/> or <see cref="Timeout.InfiniteTimeSpan"/> cancels an earlier request.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask SetAutoHangupAsync(this AgiSession session, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        if (delay != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        }

        string seconds = delay == Timeout.InfiniteTimeSpan ? "0" : DecimalSeconds(delay);
        await SendAsync(session, SetAutoHangupCommand, [seconds], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Changes the caller ID of this call (SET CALLERID).</summary>
    /// <remarks>
    /// Sends <c>SET CALLERID "\"name\" &lt;number&gt;"</c> (or just the number) as one word; Asterisk always answers <c>200 result=1</c>
    /// and parses it with <c>ast_callerid_parse</c>: with no name, the name becomes empty.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="number">The number; may be empty.</param>
    /// <param name="name">The name; <see langword="null"/> to send only the number. It cannot contain <c>"</c>.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask SetCallerIdAsync(this AgiSession session, string number, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(number);
        if (number.AsSpan().IndexOfAny("<>\"") >= 0)
        {
            throw new ArgumentException("A caller ID number cannot contain '<', '>' or '\"'.", nameof(number));
        }

        if (name is not null && name.Contains('"', StringComparison.Ordinal))
        {
            throw new ArgumentException("A caller ID name cannot contain '\"': ast_callerid_parse() has no escape for it.", nameof(name));
        }

        string callerId = name is null ? number : $"\"{name}\" <{number}>";
        await SendAsync(session, SetCallerIdCommand, [callerId], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts or stops music on hold on this call (SET MUSIC).</summary>
    /// <remarks>
    /// Sends <c>SET MUSIC on [class]</c> or <c>SET MUSIC off</c>; Asterisk always answers <c>200 result=0</c>, even for a class that
    /// does not exist. Playing a file (STREAM FILE, SAY …) stops the music.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="on"><see langword="true"/> to start the music, <see langword="false"/> to stop it.</param>
    /// <param name="musicClass">The music-on-hold class from <c>musiconhold.conf</c>; <see langword="null"/> for <c>default</c>. Ignored when stopping.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask SetMusicAsync(this AgiSession session, bool on, string? musicClass = null, CancellationToken cancellationToken = default)
    {
        string[] arguments = on
            ? musicClass is null ? ["on"] : ["on", musicClass]
            : ["off"];
        await SendAsync(session, SetMusicCommand, arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Enables or disables TDD (deaf telephony) on this call (TDD MODE).</summary>
    /// <remarks>Sends <c>TDD MODE on|off|tdd|mate</c>; Asterisk answers <c>200 result=1</c> when the channel accepted it, <c>200 result=0</c> when the channel does not support TDD (most do not; DAHDI does).</remarks>
    /// <param name="session">The call.</param>
    /// <param name="mode">The mode to set.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> when the channel accepted the mode; <see langword="false"/> when it is not TDD-capable.</returns>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<bool> SetTddModeAsync(this AgiSession session, TddMode mode, CancellationToken cancellationToken = default)
    {
        string word = mode switch
        {
            TddMode.Off => "off",
            TddMode.On => "on",
            TddMode.Tdd => "tdd",
            TddMode.Mate => "mate",
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown TDD mode."),
        };
        AgiReply reply = await SendAsync(session, TddModeCommand, [word], cancellationToken).ConfigureAwait(false);
        return OneOrZero(TddModeCommand, reply);
    }
}
