using System.Text;
using FastAgi.Server;

namespace FastAgi.Commands;

public static partial class AgiCommands
{
    /// <summary>Plays prompts one after another until the caller presses one of <paramref name="escapeDigits"/> (STREAM FILE per prompt).</summary>
    /// <remarks>
    /// Stops at the first digit (the remaining prompts are not played) and at the first prompt that cannot be played, so that a
    /// missing file is seen rather than skipped. A hangup throws <see cref="AgiHangupException"/> like the commands do.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="prompts">The sound files, without extension, in order.</param>
    /// <param name="escapeDigits">The digits that stop the sequence; <see cref="EscapeDigits.None"/> plays them all.</param>
    /// <param name="cancellationToken">Stops waiting for a reply.</param>
    /// <returns>
    /// The result of the prompt that ended the sequence: <see cref="PlaybackStatus.DigitPressed"/> with the digit,
    /// <see cref="PlaybackStatus.Failed"/> for a prompt that could not be played, otherwise the last prompt's
    /// <see cref="PlaybackStatus.Completed"/> (a default <see cref="PlaybackResult"/> for an empty sequence).
    /// </returns>
    /// <exception cref="AgiHangupException">The call hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused a command.</exception>
    public static async ValueTask<PlaybackResult> PlayPromptsAsync(
        this AgiSession session,
        IEnumerable<string> prompts,
        EscapeDigits escapeDigits,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        PlaybackResult result = default;
        foreach (string prompt in prompts)
        {
            result = await session.StreamFileAsync(prompt, escapeDigits, 0, cancellationToken).ConfigureAwait(false);
            if (result.Status != PlaybackStatus.Completed)
            {
                break;
            }
        }

        return result;
    }

    /// <summary>Plays a prompt and collects up to <paramref name="maxDigits"/> digits, ending early on <paramref name="terminator"/> or when the caller stops typing.</summary>
    /// <remarks>
    /// <para>
    /// With <c>#</c> as the terminator and a prompt this is one GET DATA, which keeps the digits pressed during the prompt and between
    /// digits. With another terminator (or none, or no prompt) it plays the prompt with STREAM FILE (any digit stops it and counts)
    /// and then reads digits with WAIT FOR DIGIT; a digit pressed in the instant between two of those commands is lost, because
    /// Asterisk discards DTMF between commands.
    /// </para>
    /// <para>The terminator is not included in the digits. Collecting nothing before the timeout is <see cref="GetDataStatus.TimedOut"/> with empty digits, not an error.</para>
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="prompt">The prompt, a sound file without extension; <see langword="null"/> to only wait for digits.</param>
    /// <param name="maxDigits">The most digits to collect, 1 to <see cref="MaxGetDataDigits"/>.</param>
    /// <param name="timeout">How long to wait for each digit (the first counted from the end of the prompt); <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="terminator">The digit that ends input early; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops waiting for a reply.</param>
    /// <returns>The digits and whether input was complete, timed out, or the prompt could not be played.</returns>
    /// <exception cref="AgiHangupException">The call hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused a command.</exception>
    public static async ValueTask<GetDataResult> CollectDigitsAsync(
        this AgiSession session,
        string? prompt,
        int maxDigits,
        TimeSpan timeout,
        char? terminator = '#',
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDigits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDigits, MaxGetDataDigits);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        }

        if (terminator is { } t && !EscapeDigits.IsDtmfDigit(t))
        {
            throw new ArgumentOutOfRangeException(nameof(terminator), t, "The terminator must be a DTMF digit (0-9, *, #, A-D) or null.");
        }

        if (prompt is not null && terminator == '#')
        {
            // GET DATA ends on '#' itself and keeps digits typed during the prompt: one command, no gap.
            return await session.GetDataAsync(prompt, timeout, maxDigits, cancellationToken).ConfigureAwait(false);
        }

        char? end = terminator is { } e ? char.ToUpperInvariant(e) : null;
        var digits = new StringBuilder(maxDigits);
        if (prompt is not null)
        {
            PlaybackResult played = await session.StreamFileAsync(prompt, EscapeDigits.Any, 0, cancellationToken).ConfigureAwait(false);
            if (played.Status == PlaybackStatus.Failed)
            {
                return new GetDataResult(GetDataStatus.Failed, string.Empty);
            }

            if (played.Digit is { } first)
            {
                if (first == end)
                {
                    return new GetDataResult(GetDataStatus.Completed, string.Empty);
                }

                digits.Append(first);
            }
        }

        while (digits.Length < maxDigits)
        {
            WaitForDigitResult next = await session.WaitForDigitAsync(timeout, cancellationToken).ConfigureAwait(false);
            switch (next.Status)
            {
                case WaitForDigitStatus.TimedOut:
                    return new GetDataResult(GetDataStatus.TimedOut, digits.ToString());
                case WaitForDigitStatus.Failed:
                    return new GetDataResult(GetDataStatus.Failed, digits.ToString());
            }

            if (next.Digit == end)
            {
                break;
            }

            digits.Append(next.Digit);
        }

        return new GetDataResult(GetDataStatus.Completed, digits.ToString());
    }

    /// <summary>Plays a menu prompt and waits for one of <paramref name="choices"/>, retrying with an invalid-input or timeout prompt (GET OPTION per attempt).</summary>
    /// <remarks>
    /// Each attempt plays <paramref name="prompt"/> with GET OPTION (any digit stops it) and waits up to <paramref name="timeout"/>.
    /// A digit outside <paramref name="choices"/> plays <paramref name="invalidPrompt"/>, no digit plays <paramref name="timeoutPrompt"/>
    /// (each when given, after every failed attempt including the last), then the menu starts over until <paramref name="attempts"/>
    /// are used up. A hangup throws <see cref="AgiHangupException"/>.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="prompt">The menu prompt, a sound file without extension.</param>
    /// <param name="choices">The valid single-digit answers.</param>
    /// <param name="attempts">How many times to play the menu, 1 or more.</param>
    /// <param name="timeout">How long to wait after the prompt; <see langword="null"/> for the channel's digit timeout (5 s by default).</param>
    /// <param name="invalidPrompt">Played after a digit that is not a valid choice; <see langword="null"/> for none.</param>
    /// <param name="timeoutPrompt">Played when no digit came in time; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops waiting for a reply.</param>
    /// <returns>The valid choice, or why there is none, and how many attempts were made.</returns>
    /// <exception cref="AgiHangupException">The call hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused a command.</exception>
    public static async ValueTask<MenuResult> MenuAsync(
        this AgiSession session,
        string prompt,
        EscapeDigits choices,
        int attempts = 3,
        TimeSpan? timeout = null,
        string? invalidPrompt = null,
        string? timeoutPrompt = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(prompt);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        if (choices.IsEmpty)
        {
            throw new ArgumentException("A menu needs at least one valid choice.", nameof(choices));
        }

        for (int attempt = 1; attempt <= attempts; attempt++)
        {
            PlaybackResult answer = await session.GetOptionAsync(prompt, EscapeDigits.Any, timeout, cancellationToken).ConfigureAwait(false);
            if (answer.Status == PlaybackStatus.Failed)
            {
                return new MenuResult(MenuStatus.Failed, null, attempt);
            }

            if (answer.Digit is { } digit && choices.Contains(digit))
            {
                return new MenuResult(MenuStatus.Selected, digit, attempt);
            }

            string? retryPrompt = answer.Digit is null ? timeoutPrompt : invalidPrompt;
            if (retryPrompt is not null)
            {
                PlaybackResult played = await session.StreamFileAsync(retryPrompt, EscapeDigits.None, 0, cancellationToken).ConfigureAwait(false);
                if (played.Status == PlaybackStatus.Failed)
                {
                    return new MenuResult(MenuStatus.Failed, null, attempt);
                }
            }
        }

        return new MenuResult(MenuStatus.NoValidInput, null, attempts);
    }

    /// <summary>Sets several channel variables, one SET VARIABLE each, in order.</summary>
    /// <remarks>Works after the caller hung up. Stops at the first command that throws; the variables before it are set.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="variables">The names and values.</param>
    /// <param name="cancellationToken">Stops waiting for a reply.</param>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused a command.</exception>
    public static async ValueTask SetVariablesAsync(this AgiSession session, IEnumerable<KeyValuePair<string, string>> variables, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(variables);
        foreach ((string name, string value) in variables)
        {
            await session.SetVariableAsync(name, value, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads several channel variables, one GET VARIABLE each, in order.</summary>
    /// <remarks>Works after the caller hung up. Each value is cut to <see cref="MaxGetVariableLength"/> bytes like <see cref="GetVariableAsync"/>'s.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="names">The variables (or functions) to read; a name given twice is read once.</param>
    /// <param name="cancellationToken">Stops waiting for a reply.</param>
    /// <returns>Each name with its value, <see langword="null"/> for a variable that is not set.</returns>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused a command.</exception>
    public static async ValueTask<IReadOnlyDictionary<string, string?>> GetVariablesAsync(this AgiSession session, IEnumerable<string> names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            if (!values.ContainsKey(name))
            {
                values[name] = await session.GetVariableAsync(name, cancellationToken).ConfigureAwait(false);
            }
        }

        return values;
    }
}
