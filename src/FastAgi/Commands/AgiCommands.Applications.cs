using System.Globalization;
using FastAgi.Server;

namespace FastAgi.Commands;

public static partial class AgiCommands
{
    /// <summary>Calls one or more destinations with the <c>Dial()</c> application and reports the outcome (EXEC Dial, then GET VARIABLE).</summary>
    /// <remarks>
    /// <para>
    /// Sends <c>EXEC Dial "destination[,timeout[,options]]"</c>, which returns when the dial attempt fails or the bridged call ends,
    /// then reads <c>DIALSTATUS</c>, <c>ANSWEREDTIME</c>, <c>DIALEDTIME</c>, <c>DIALEDPEERNAME</c> and <c>DIALEDPEERNUMBER</c> with one
    /// GET VARIABLE each (they work after a hangup).
    /// </para>
    /// <para>
    /// Pitfall: unless <paramref name="options"/> holds <c>g</c>, Dial returns -1 once an answered call ends, and the caller is hung
    /// up: <see cref="DialResult.ApplicationResult"/> is -1 and the next channel command throws <see cref="AgiHangupException"/>.
    /// </para>
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="destination">What to call: <c>PJSIP/alice</c>, or several at once with <c>&amp;</c> (<c>PJSIP/alice&amp;PJSIP/bob</c>).</param>
    /// <param name="timeout">How long to ring, rounded up to whole seconds; <see langword="null"/> to ring until someone answers or gives up.</param>
    /// <param name="options">Dial's option letters, such as <c>tTg</c> or <c>m(default)</c>; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops waiting for the replies.</param>
    /// <returns>DIALSTATUS and its companion variables, and Dial's return value.</returns>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused a command.</exception>
    public static async ValueTask<DialResult> DialAsync(
        this AgiSession session,
        string destination,
        TimeSpan? timeout = null,
        string? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var arguments = new List<string>(3) { destination };
        if (timeout is not null || !string.IsNullOrEmpty(options))
        {
            arguments.Add(timeout is { } t ? WholeSeconds(t, nameof(timeout)) : string.Empty);
        }

        if (!string.IsNullOrEmpty(options))
        {
            arguments.Add(options);
        }

        int exitCode = await session.ExecAsync("Dial", arguments, cancellationToken).ConfigureAwait(false);
        string? status = await session.GetVariableAsync("DIALSTATUS", cancellationToken).ConfigureAwait(false);
        string? answered = await session.GetVariableAsync("ANSWEREDTIME", cancellationToken).ConfigureAwait(false);
        string? dialed = await session.GetVariableAsync("DIALEDTIME", cancellationToken).ConfigureAwait(false);
        string? peerName = await session.GetVariableAsync("DIALEDPEERNAME", cancellationToken).ConfigureAwait(false);
        string? peerNumber = await session.GetVariableAsync("DIALEDPEERNUMBER", cancellationToken).ConfigureAwait(false);
        return new DialResult(
            ParseDialStatus(status),
            status,
            exitCode,
            ParseSeconds(answered),
            ParseSeconds(dialed),
            string.IsNullOrEmpty(peerName) ? null : peerName,
            string.IsNullOrEmpty(peerNumber) ? null : peerNumber);
    }

    /// <summary>Plays one or more sound files with the <c>Playback()</c> application, which digits cannot interrupt (EXEC Playback, then GET VARIABLE).</summary>
    /// <remarks>
    /// Sends <c>EXEC Playback "file1&amp;file2[,options]"</c>, then reads <c>PLAYBACKSTATUS</c>. Unlike <see cref="StreamFileAsync"/>,
    /// Playback answers the channel first (unless <c>noanswer</c>) and ignores DTMF; use <see cref="PlayPromptsAsync"/> when digits
    /// should stop the prompts.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="files">The sound files, without extension, played in order.</param>
    /// <param name="options">Playback's options, such as <c>noanswer</c> or <c>skip</c>; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops waiting for the replies.</param>
    /// <returns><see langword="true"/> when <c>PLAYBACKSTATUS</c> is <c>SUCCESS</c>; <see langword="false"/> when a file could not be played or the caller hung up.</returns>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused a command.</exception>
    public static async ValueTask<bool> PlaybackAsync(this AgiSession session, IEnumerable<string> files, string? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        string joined = string.Join('&', files);
        ArgumentException.ThrowIfNullOrEmpty(joined, nameof(files));
        string[] arguments = string.IsNullOrEmpty(options) ? [joined] : [joined, options];
        await session.ExecAsync("Playback", arguments, cancellationToken).ConfigureAwait(false);
        string? status = await session.GetVariableAsync("PLAYBACKSTATUS", cancellationToken).ConfigureAwait(false);
        return string.Equals(status, "SUCCESS", StringComparison.Ordinal);
    }

    /// <summary>Plays one sound file with the <c>Playback()</c> application (EXEC Playback, then GET VARIABLE).</summary>
    /// <inheritdoc cref="PlaybackAsync(AgiSession, IEnumerable{string}, string?, CancellationToken)"/>
    /// <param name="session">The call.</param>
    /// <param name="file">The sound file, without extension.</param>
    /// <param name="options">Playback's options, such as <c>noanswer</c> or <c>skip</c>; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops waiting for the replies.</param>
    public static ValueTask<bool> PlaybackAsync(this AgiSession session, string file, string? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        return session.PlaybackAsync([file], options, cancellationToken);
    }

    /// <summary>Collects digits with the <c>Read()</c> application (EXEC Read, then GET VARIABLE).</summary>
    /// <remarks>
    /// Sends <c>EXEC Read "variable[,prompt[,maxdigits[,options[,attempts[,timeout]]]]]"</c>, then reads the variable and
    /// <c>READSTATUS</c>. <see cref="GetDataAsync"/> does the same in one command; Read adds attempts and its options (such as
    /// <c>i</c> for an indication tone instead of a file, or <c>s</c> to skip an unanswered channel).
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="prompt">The prompt, or several joined with <c>&amp;</c>; <see langword="null"/> for none.</param>
    /// <param name="maxDigits">The most digits to read, 1 to 255; <see langword="null"/> for up to 255 ending with <c>#</c>.</param>
    /// <param name="timeout">How long to wait for input; <see langword="null"/> for the channel's response timeout.</param>
    /// <param name="attempts">How many times to play the prompt when nothing is entered; 1 by default.</param>
    /// <param name="options">Read's option letters; <see langword="null"/> for none.</param>
    /// <param name="variable">The channel variable Read stores the digits in.</param>
    /// <param name="cancellationToken">Stops waiting for the replies.</param>
    /// <returns>The digits and READSTATUS.</returns>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused a command.</exception>
    public static async ValueTask<ReadAppResult> ReadAsync(
        this AgiSession session,
        string? prompt = null,
        int? maxDigits = null,
        TimeSpan? timeout = null,
        int attempts = 1,
        string? options = null,
        string variable = "FASTAGI_READ",
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(variable);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        if (maxDigits is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1, nameof(maxDigits));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(max, 255, nameof(maxDigits));
        }

        if (timeout is { } t)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(t, TimeSpan.Zero, nameof(timeout));
        }

        string[] arguments =
        [
            variable,
            prompt ?? string.Empty,
            maxDigits is { } digits ? Format(digits) : string.Empty,
            options ?? string.Empty,
            attempts == 1 ? string.Empty : Format(attempts),
            timeout is { } seconds ? DecimalSeconds(seconds) : string.Empty,
        ];
        int used = Array.FindLastIndex(arguments, value => value.Length > 0) + 1;
        await session.ExecAsync("Read", arguments[..used], cancellationToken).ConfigureAwait(false);
        string? value = await session.GetVariableAsync(variable, cancellationToken).ConfigureAwait(false);
        string? status = await session.GetVariableAsync("READSTATUS", cancellationToken).ConfigureAwait(false);
        ReadStatus readStatus = status switch
        {
            "OK" => ReadStatus.Ok,
            "TIMEOUT" => ReadStatus.Timeout,
            "SKIPPED" => ReadStatus.Skipped,
            "INTERRUPTED" => ReadStatus.Interrupted,
            "HANGUP" => ReadStatus.Hangup,
            "ERROR" => ReadStatus.Error,
            _ => ReadStatus.Unknown,
        };
        return new ReadAppResult(readStatus, value ?? string.Empty);
    }

    /// <summary>Sets a variable with the <c>Set()</c> application (EXEC Set "name=value").</summary>
    /// <remarks>
    /// The same as <see cref="SetVariableAsync"/> for plain variables, in one round trip too; use it where the dialplan's own
    /// <c>Set()</c> matters, for example functions that only accept being written from an application. Works after the caller hung up.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="name">The variable or function.</param>
    /// <param name="value">The value; commas are kept.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask SetAsync(this AgiSession session, string name, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        await session.ExecAsync("Set", name + "=" + value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets where the dialplan continues when the AGI ends, with the <c>Goto()</c> application (EXEC Goto "context,extension,priority").</summary>
    /// <remarks>
    /// The jump happens when the script ends with the call up, like <see cref="SetContextAsync"/>, <see cref="SetExtensionAsync"/> and
    /// <see cref="SetPriorityAsync(AgiSession, string, CancellationToken)"/> together, but in one command and with Goto's own checks.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="context">The context.</param>
    /// <param name="extension">The extension.</param>
    /// <param name="priority">The priority number or label.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> when Goto returned 0.</returns>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<bool> GotoAsync(this AgiSession session, string context, string extension, string priority, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(context);
        ArgumentException.ThrowIfNullOrEmpty(extension);
        ArgumentException.ThrowIfNullOrEmpty(priority);
        int result = await session.ExecAsync("Goto", [context, extension, priority], cancellationToken).ConfigureAwait(false);
        return result == 0;
    }

    private static DialStatus ParseDialStatus(string? status) => status switch
    {
        "ANSWER" => DialStatus.Answer,
        "BUSY" => DialStatus.Busy,
        "NOANSWER" => DialStatus.NoAnswer,
        "CANCEL" => DialStatus.Cancel,
        "CONGESTION" => DialStatus.Congestion,
        "CHANUNAVAIL" => DialStatus.ChannelUnavailable,
        "DONTCALL" => DialStatus.DontCall,
        "TORTURE" => DialStatus.Torture,
        "INVALIDARGS" => DialStatus.InvalidArgs,
        _ => DialStatus.Unknown,
    };

    private static TimeSpan? ParseSeconds(string? seconds)
        => int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? TimeSpan.FromSeconds(value) : null;
}
