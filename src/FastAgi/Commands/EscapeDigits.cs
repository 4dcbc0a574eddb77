using System.Diagnostics.CodeAnalysis;

namespace FastAgi.Commands;

/// <summary>
/// A set of DTMF digits (<c>0</c>–<c>9</c>, <c>*</c>, <c>#</c>, <c>A</c>–<c>D</c>) that may interrupt a prompt, such as the
/// escape digits of STREAM FILE, SAY NUMBER or RECORD FILE.
/// </summary>
/// <remarks>
/// Asterisk checks a pressed digit with <c>strchr(escape_digits, digit)</c>, so any other character in the set would
/// silently never match; <see cref="Parse"/> refuses it instead. Lower-case <c>a</c>–<c>d</c> are read as upper case (Asterisk
/// reports DTMF A–D in upper case), and repeated digits are dropped. <c>default(EscapeDigits)</c> is <see cref="None"/>.
/// Equality compares the sets, not the order.
/// </remarks>
public readonly struct EscapeDigits : IEquatable<EscapeDigits>
{
    private const string AllDigits = "0123456789*#ABCD";

    private readonly string? _digits;
    private readonly ushort _mask;

    private EscapeDigits(string digits, ushort mask)
    {
        _digits = digits;
        _mask = mask;
    }

    /// <summary>No digit interrupts: sent as <c>""</c>, which the commands that require the argument (SAY NUMBER, STREAM FILE) need.</summary>
    public static EscapeDigits None => default;

    /// <summary>Every DTMF digit interrupts: <c>0123456789*#ABCD</c>.</summary>
    public static EscapeDigits Any { get; } = Parse(AllDigits);

    /// <summary>Whether the set is empty (<see cref="None"/>).</summary>
    public bool IsEmpty => _mask == 0;

    /// <summary>The number of digits in the set.</summary>
    public int Count => System.Numerics.BitOperations.PopCount(_mask);

    /// <summary>Whether <paramref name="character"/> is a DTMF digit Asterisk can report: <c>0</c>–<c>9</c>, <c>*</c>, <c>#</c> or <c>A</c>–<c>D</c> (either case).</summary>
    public static bool IsDtmfDigit(char character) => IndexOf(character) >= 0;

    /// <summary>Reads a set of escape digits such as <c>"#"</c> or <c>"123*"</c>; an empty string gives <see cref="None"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="digits"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="digits"/> holds a character that is not a DTMF digit.</exception>
    public static EscapeDigits Parse(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        if (!TryParse(digits, out EscapeDigits result))
        {
            throw new FormatException($"'{digits}' is not a set of DTMF digits: only 0-9, *, # and A-D can interrupt a prompt.");
        }

        return result;
    }

    /// <summary>Reads a set of escape digits, returning <see langword="false"/> when <paramref name="digits"/> is <see langword="null"/> or holds a character that is not a DTMF digit.</summary>
    public static bool TryParse([NotNullWhen(true)] string? digits, out EscapeDigits result)
    {
        result = default;
        if (digits is null)
        {
            return false;
        }

        ushort mask = 0;
        Span<char> buffer = stackalloc char[AllDigits.Length];
        int length = 0;
        foreach (char c in digits)
        {
            int index = IndexOf(c);
            if (index < 0)
            {
                return false;
            }

            ushort bit = (ushort)(1 << index);
            if ((mask & bit) == 0)
            {
                mask |= bit;
                buffer[length++] = AllDigits[index];
            }
        }

        result = length == 0 ? default : new EscapeDigits(new string(buffer[..length]), mask);
        return true;
    }

    /// <summary>Whether <paramref name="digit"/> is in the set (<c>a</c>–<c>d</c> match <c>A</c>–<c>D</c>).</summary>
    public bool Contains(char digit)
    {
        int index = IndexOf(digit);
        return index >= 0 && (_mask & (1 << index)) != 0;
    }

    /// <summary>The digits in the order they were given, as sent to Asterisk; empty for <see cref="None"/>.</summary>
    public override string ToString() => _digits ?? string.Empty;

    /// <inheritdoc/>
    public bool Equals(EscapeDigits other) => _mask == other._mask;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is EscapeDigits other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _mask;

    /// <summary>Whether two sets hold the same digits.</summary>
    public static bool operator ==(EscapeDigits left, EscapeDigits right) => left.Equals(right);

    /// <summary>Whether two sets hold different digits.</summary>
    public static bool operator !=(EscapeDigits left, EscapeDigits right) => !left.Equals(right);

    private static int IndexOf(char character) => character switch
    {
        >= '0' and <= '9' => character - '0',
        '*' => 10,
        '#' => 11,
        >= 'A' and <= 'D' => 12 + (character - 'A'),
        >= 'a' and <= 'd' => 12 + (character - 'a'),
        _ => -1,
    };
}
