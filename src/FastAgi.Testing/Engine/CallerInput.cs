namespace FastAgi.Testing.Engine;

/// <summary>
/// What the caller will do, in order: digits to press, silences, a hangup. The commands that take input consume it from the
/// front, the way a caller who types ahead is heard by Asterisk.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description>STREAM FILE, CONTROL STREAM FILE and SAY * take the next digit only when it is one of their escape
/// digits; any other digit stays queued for a later command. A silence in front does not stop them.</description></item>
/// <item><description>WAIT FOR DIGIT, GET DATA and GET OPTION's wait take any digit; a silence in front makes them time out
/// and is used up. RECORD FILE stops at an escape digit and skips the others, as Asterisk ignores them.</description></item>
/// <item><description>A queued hangup ends the next of those commands with Asterisk's hangup reply and the <c>HANGUP</c> line.</description></item>
/// <item><description>With nothing queued, commands time out; one that would wait forever (a negative timeout) cannot finish.</description></item>
/// </list>
/// </remarks>
public sealed class CallerInput
{
    /// <summary>The DTMF keys a phone can send.</summary>
    public const string ValidDigits = "0123456789*#ABCD";

    private readonly LinkedList<(CallerInputKind Kind, char Digit)> _queue = new();
    private readonly Queue<string> _texts = new();

    /// <summary>How many inputs are queued.</summary>
    public int Count => _queue.Count;

    /// <summary>The queued inputs, in order, for messages: digits as themselves, a silence as <c>_</c>, a hangup as <c>!</c>.</summary>
    public string Pending => string.Concat(_queue.Select(static item => item.Kind switch
    {
        CallerInputKind.Digit => item.Digit,
        CallerInputKind.Silence => '_',
        _ => '!',
    }));

    /// <summary>Queues the DTMF <paramref name="digits"/> (0-9, *, #, A-D).</summary>
    /// <exception cref="ArgumentException">A character is not a DTMF key.</exception>
    public CallerInput Press(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        foreach (char c in digits)
        {
            char digit = char.ToUpperInvariant(c);
            if (!ValidDigits.Contains(digit, StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{c}' in \"{digits}\" is not a DTMF key; a phone sends {ValidDigits}.", nameof(digits));
            }

            _queue.AddLast((CallerInputKind.Digit, digit));
        }

        return this;
    }

    /// <summary>Queues a silence: the next command that waits for input times out.</summary>
    public CallerInput StaySilent()
    {
        _queue.AddLast((CallerInputKind.Silence, '\0'));
        return this;
    }

    /// <summary>Queues a hangup during the next command that plays to or waits for the caller.</summary>
    public CallerInput HangUpAtNextPrompt()
    {
        _queue.AddLast((CallerInputKind.HangUp, '\0'));
        return this;
    }

    /// <summary>Queues a text message for RECEIVE TEXT (or its first character for RECEIVE CHAR).</summary>
    public CallerInput SendText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _texts.Enqueue(text);
        return this;
    }

    /// <summary>Forgets everything queued.</summary>
    public void Clear()
    {
        _queue.Clear();
        _texts.Clear();
    }

    internal bool TryPeek(out CallerInputKind kind, out char digit)
    {
        if (_queue.First is { } first)
        {
            (kind, digit) = first.Value;
            return true;
        }

        kind = default;
        digit = '\0';
        return false;
    }

    internal void Dequeue() => _queue.RemoveFirst();

    internal bool TryTakeText(out string text) => _texts.TryDequeue(out text!);
}
