using System.Globalization;

namespace FastAgi.Testing.Engine;

/// <summary>The C number parsing the AGI handlers rely on: <c>sscanf("%30d")</c>, <c>atoi()</c>, <c>sscanf("%30lf")</c>.</summary>
internal static class AsteriskNumbers
{
    /// <summary><c>sscanf(s, "%30d", &amp;n) == 1</c>: leading whitespace, an optional sign and at least one digit; anything may follow (<c>12a</c> reads 12).</summary>
    public static bool TryScanInt(string text, out int value)
    {
        bool ok = TryScanLong(text, out long wide);
        value = (int)Math.Clamp(wide, int.MinValue, int.MaxValue);
        return ok;
    }

    /// <summary><c>sscanf(s, "%30ld", &amp;n) == 1</c>.</summary>
    public static bool TryScanLong(string text, out long value)
    {
        ReadOnlySpan<char> span = text.AsSpan().TrimStart(" \t\n\v\f\r");
        int length = 0;
        if (length < span.Length && span[length] is '+' or '-')
        {
            length++;
        }

        int digitsStart = length;
        while (length < span.Length && length < 30 && char.IsAsciiDigit(span[length]))
        {
            length++;
        }

        if (length == digitsStart)
        {
            value = 0;
            return false;
        }

        if (!long.TryParse(span[..length], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            value = span[0] == '-' ? long.MinValue : long.MaxValue;
        }

        return true;
    }

    /// <summary><c>atoi()</c>: like <see cref="TryScanInt"/>, but 0 when there is no number.</summary>
    public static int Atoi(string text) => TryScanInt(text, out int value) ? value : 0;

    /// <summary><c>sscanf(s, "%30lf", &amp;d) == 1</c>, for the common decimal forms.</summary>
    public static bool TryScanDouble(string text, out double value)
    {
        ReadOnlySpan<char> span = text.AsSpan().TrimStart(" \t\n\v\f\r");
        int length = 0;
        if (length < span.Length && span[length] is '+' or '-')
        {
            length++;
        }

        bool digits = false;
        while (length < span.Length && char.IsAsciiDigit(span[length]))
        {
            length++;
            digits = true;
        }

        if (length < span.Length && span[length] == '.')
        {
            length++;
            while (length < span.Length && char.IsAsciiDigit(span[length]))
            {
                length++;
                digits = true;
            }
        }

        value = 0;
        return digits && double.TryParse(span[..length], NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
