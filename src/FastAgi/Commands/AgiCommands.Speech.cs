using System.Globalization;
using FastAgi.Protocol;
using FastAgi.Server;

namespace FastAgi.Commands;

public static partial class AgiCommands
{
    private const string SpeechCreateCommand = "SPEECH CREATE";
    private const string SpeechSetCommand = "SPEECH SET";
    private const string SpeechDestroyCommand = "SPEECH DESTROY";
    private const string SpeechLoadGrammarCommand = "SPEECH LOAD GRAMMAR";
    private const string SpeechUnloadGrammarCommand = "SPEECH UNLOAD GRAMMAR";
    private const string SpeechActivateGrammarCommand = "SPEECH ACTIVATE GRAMMAR";
    private const string SpeechDeactivateGrammarCommand = "SPEECH DEACTIVATE GRAMMAR";
    private const string SpeechRecognizeCommand = "SPEECH RECOGNIZE";

    /// <summary>Creates this session's speech recognition object with a speech engine (SPEECH CREATE).</summary>
    /// <remarks>
    /// Sends <c>SPEECH CREATE [engine]</c>; Asterisk answers <c>200 result=1</c>, or <c>200 result=0</c> when the engine is not loaded or a
    /// speech object already exists. Every other SPEECH command needs it; Asterisk destroys it when the session ends.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="engine">The engine name registered by a <c>res_speech_*</c> module; <see langword="null"/> for the default engine.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> when the speech object was created.</returns>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<bool> SpeechCreateAsync(this AgiSession session, string? engine = null, CancellationToken cancellationToken = default)
        => SpeechAsync(session, SpeechCreateCommand, string.IsNullOrEmpty(engine) ? [] : [engine], cancellationToken);

    /// <summary>Changes an engine-specific setting of the speech object (SPEECH SET).</summary>
    /// <remarks>Sends <c>SPEECH SET name value</c>; Asterisk answers <c>200 result=1</c>, or <c>200 result=0</c> without a speech object.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="name">The setting's name, engine-specific.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> when the setting was passed to the engine.</returns>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<bool> SpeechSetAsync(this AgiSession session, string name, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return SpeechAsync(session, SpeechSetCommand, [name, value], cancellationToken);
    }

    /// <summary>Destroys the speech object (SPEECH DESTROY); works after the caller hung up.</summary>
    /// <remarks>Sends <c>SPEECH DESTROY</c>; Asterisk answers <c>200 result=1</c>, or <c>200 result=0</c> when there was none. Asterisk also destroys it when the session ends.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> when a speech object was destroyed.</returns>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<bool> SpeechDestroyAsync(this AgiSession session, CancellationToken cancellationToken = default)
        => SpeechAsync(session, SpeechDestroyCommand, [], cancellationToken);

    /// <summary>Loads a grammar file into the speech object under a name (SPEECH LOAD GRAMMAR).</summary>
    /// <remarks>Sends <c>SPEECH LOAD GRAMMAR name path</c>; Asterisk answers <c>200 result=1</c>, or <c>200 result=0</c> when the engine could not load it or there is no speech object.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="name">The name to refer to the grammar by.</param>
    /// <param name="path">The grammar file's path on the Asterisk server.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> when the grammar was loaded.</returns>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<bool> SpeechLoadGrammarAsync(this AgiSession session, string name, string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return SpeechAsync(session, SpeechLoadGrammarCommand, [name, path], cancellationToken);
    }

    /// <summary>Unloads a grammar from the speech object (SPEECH UNLOAD GRAMMAR); works after the caller hung up.</summary>
    /// <remarks>Sends <c>SPEECH UNLOAD GRAMMAR name</c>; Asterisk answers <c>200 result=1</c>, or <c>200 result=0</c> when it failed or there is no speech object.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="name">The grammar's name.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> when the grammar was unloaded.</returns>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<bool> SpeechUnloadGrammarAsync(this AgiSession session, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return SpeechAsync(session, SpeechUnloadGrammarCommand, [name], cancellationToken);
    }

    /// <summary>Makes a loaded grammar active for the next recognitions (SPEECH ACTIVATE GRAMMAR).</summary>
    /// <remarks>Sends <c>SPEECH ACTIVATE GRAMMAR name</c>; Asterisk answers <c>200 result=1</c>, or <c>200 result=0</c> when it failed or there is no speech object.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="name">The grammar's name.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> when the grammar was activated.</returns>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<bool> SpeechActivateGrammarAsync(this AgiSession session, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return SpeechAsync(session, SpeechActivateGrammarCommand, [name], cancellationToken);
    }

    /// <summary>Makes a grammar inactive (SPEECH DEACTIVATE GRAMMAR).</summary>
    /// <remarks>Sends <c>SPEECH DEACTIVATE GRAMMAR name</c>; Asterisk answers <c>200 result=1</c>, or <c>200 result=0</c> when it failed or there is no speech object.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="name">The grammar's name.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> when the grammar was deactivated.</returns>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<bool> SpeechDeactivateGrammarAsync(this AgiSession session, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return SpeechAsync(session, SpeechDeactivateGrammarCommand, [name], cancellationToken);
    }

    /// <summary>Plays a prompt while listening for speech and DTMF, and returns what the engine recognized (SPEECH RECOGNIZE).</summary>
    /// <remarks>
    /// <para>
    /// Sends <c>SPEECH RECOGNIZE prompt timeout_seconds [offset_samples]</c>. Asterisk answers one of
    /// <c>200 result=1 (speech) endpos=N results=K score0=S text0="…" grammar0=G …</c>, <c>200 result=1 (digit) digit=X endpos=N</c>,
    /// <c>200 result=1 (timeout) endpos=N</c>, <c>200 result=1 (hangup) endpos=N</c> or <c>200 result=0</c> (no speech object).
    /// The recognized text is not escaped and may hold <c>(</c>, <c>)</c> or <c>"</c>; it is read by position, not by parentheses.
    /// </para>
    /// <para>Pitfall: the timeout is in whole seconds and starts when the prompt has finished playing.</para>
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="prompt">The prompt, a sound file without extension.</param>
    /// <param name="timeout">How long to wait for speech after the prompt, rounded up to whole seconds; <see cref="Timeout.InfiniteTimeSpan"/> for no limit. <see cref="TimeSpan.Zero"/> is refused.</param>
    /// <param name="sampleOffset">Where to start the prompt, in samples; 0 (the default) from the start.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The results, the digit pressed, a timeout, or <see cref="SpeechRecognizeStatus.Failed"/> without a speech object.</returns>
    /// <exception cref="AgiHangupException">The call hung up before or during recognition (Asterisk's <c>(hangup)</c>).</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command, or sent a result this method cannot read.</exception>
    public static async ValueTask<SpeechRecognizeResult> SpeechRecognizeAsync(
        this AgiSession session,
        string prompt,
        TimeSpan timeout,
        long sampleOffset = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(prompt);
        ArgumentOutOfRangeException.ThrowIfNegative(sampleOffset);
        string seconds = timeout == Timeout.InfiniteTimeSpan ? "0" : WholeSeconds(timeout, nameof(timeout));
        string[] arguments = sampleOffset == 0 ? [prompt, seconds] : [prompt, seconds, Format(sampleOffset)];
        AgiReply reply = await SendAsync(session, SpeechRecognizeCommand, arguments, cancellationToken).ConfigureAwait(false);
        return ParseRecognition(reply) ?? throw Unexpected(SpeechRecognizeCommand, reply);
    }

    private static async ValueTask<bool> SpeechAsync(AgiSession session, string command, string[] arguments, CancellationToken cancellationToken)
    {
        AgiReply reply = await SendAsync(session, command, arguments, cancellationToken).ConfigureAwait(false);
        return OneOrZero(command, reply);
    }

    /// <summary>Reads a SPEECH RECOGNIZE reply from <see cref="AgiReply.Text"/>; <see langword="null"/> when it does not have a documented shape.</summary>
    private static SpeechRecognizeResult? ParseRecognition(AgiReply reply)
    {
        ReadOnlySpan<char> rest = reply.Text;
        if (!TryTakeValue(ref rest, "result", out ReadOnlySpan<char> result))
        {
            return null;
        }

        // handle_speechrecognize(): "200 result=0" (no speech object) and "200 result=0 endpos=%ld" (no reason).
        if (result.SequenceEqual("0"))
        {
            long position = TryTakeValue(ref rest, "endpos", out ReadOnlySpan<char> zeroPosition) && TryParseLong(zeroPosition, out long p) ? p : 0;
            return new SpeechRecognizeResult(SpeechRecognizeStatus.Failed, null, position, []);
        }

        if (!result.SequenceEqual("1"))
        {
            return null;
        }

        if (TryTakeWord(ref rest, "(speech)"))
        {
            // "200 result=1 (speech) endpos=%ld results=%d %s" with "%sscore%d=%d text%d=\"%s\" grammar%d=%s" per result.
            if (!TryTakeValue(ref rest, "endpos", out ReadOnlySpan<char> endpos) || !TryParseLong(endpos, out long endSample)
                || !TryTakeValue(ref rest, "results", out ReadOnlySpan<char> countText) || !TryParseLong(countText, out long count)
                || count < 0 || count > rest.Length)
            {
                return null;
            }

            var results = new SpeechResult[(int)count];
            for (int i = 0; i < count; i++)
            {
                if (!TryTakeResult(ref rest, i, last: i == count - 1, out results[i]))
                {
                    return null;
                }
            }

            return new SpeechRecognizeResult(SpeechRecognizeStatus.Speech, null, endSample, results);
        }

        if (TryTakeWord(ref rest, "(digit)"))
        {
            // "200 result=1 (digit) digit=%c endpos=%ld"
            if (!TryTakeValue(ref rest, "digit", out ReadOnlySpan<char> digit) || digit.Length != 1
                || !TryTakeValue(ref rest, "endpos", out ReadOnlySpan<char> endpos) || !TryParseLong(endpos, out long endSample))
            {
                return null;
            }

            return new SpeechRecognizeResult(SpeechRecognizeStatus.Digit, digit[0], endSample, []);
        }

        if (TryTakeWord(ref rest, "(timeout)"))
        {
            return TryTakeValue(ref rest, "endpos", out ReadOnlySpan<char> endpos) && TryParseLong(endpos, out long endSample)
                ? new SpeechRecognizeResult(SpeechRecognizeStatus.Timeout, null, endSample, [])
                : null;
        }

        if (TryTakeWord(ref rest, "(hangup)"))
        {
            throw HungUp(AgiHangupReason.DeadChannel, SpeechRecognizeCommand, reply, null);
        }

        return null;
    }

    /// <summary>Reads <c>scoreN=S textN="T" grammarN=G</c>; the text is unescaped, so it ends at the <c>" grammarN=</c> that follows it.</summary>
    private static bool TryTakeResult(ref ReadOnlySpan<char> rest, int index, bool last, out SpeechResult result)
    {
        result = default;
        string n = index.ToString(CultureInfo.InvariantCulture);
        if (!TryTakeValue(ref rest, "score" + n, out ReadOnlySpan<char> scoreText) || !int.TryParse(scoreText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int score))
        {
            return false;
        }

        string textStart = "text" + n + "=\"";
        string textEnd = "\" grammar" + n + "=";
        if (!rest.StartsWith(textStart, StringComparison.Ordinal))
        {
            return false;
        }

        rest = rest[textStart.Length..];
        int end = rest.IndexOf(textEnd, StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        string text = rest[..end].ToString();
        rest = rest[(end + textEnd.Length)..];
        int grammarEnd = last ? -1 : rest.IndexOf(" score" + (index + 1).ToString(CultureInfo.InvariantCulture) + "=", StringComparison.Ordinal);
        if (!last && grammarEnd < 0)
        {
            return false;
        }

        ReadOnlySpan<char> grammar = last ? rest.TrimEnd(' ') : rest[..grammarEnd];
        rest = last ? default : rest[(grammarEnd + 1)..];
        result = new SpeechResult(score, text, grammar.ToString());
        return true;
    }

    /// <summary>Takes <c>key=value</c> from the start of <paramref name="rest"/> and the space after it.</summary>
    private static bool TryTakeValue(ref ReadOnlySpan<char> rest, string key, out ReadOnlySpan<char> value)
    {
        value = default;
        if (rest.Length <= key.Length || !rest.StartsWith(key, StringComparison.Ordinal) || rest[key.Length] != '=')
        {
            return false;
        }

        ReadOnlySpan<char> tail = rest[(key.Length + 1)..];
        int space = tail.IndexOf(' ');
        value = space < 0 ? tail : tail[..space];
        rest = space < 0 ? default : tail[(space + 1)..];
        return true;
    }

    /// <summary>Takes <paramref name="word"/> from the start of <paramref name="rest"/> and the space after it.</summary>
    private static bool TryTakeWord(ref ReadOnlySpan<char> rest, string word)
    {
        if (!rest.StartsWith(word, StringComparison.Ordinal) || (rest.Length > word.Length && rest[word.Length] != ' '))
        {
            return false;
        }

        rest = rest.Length > word.Length ? rest[(word.Length + 1)..] : default;
        return true;
    }

    private static bool TryParseLong(ReadOnlySpan<char> text, out long value)
        => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
