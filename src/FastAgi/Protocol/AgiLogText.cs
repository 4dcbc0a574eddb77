using System.Globalization;
using System.Text;

namespace FastAgi.Protocol;

/// <summary>Makes text a peer sent safe to put in a log line or an exception message: control characters escaped, length bounded.</summary>
public static class AgiLogText
{
    /// <summary>The default bound, in characters, before the text is cut with <c>…</c>.</summary>
    public const int DefaultMaxLength = 200;

    /// <summary>
    /// Returns <paramref name="text"/> with CR, LF, tab, NUL and other control characters written as <c>\r</c>, <c>\n</c>,
    /// <c>\t</c>, <c>\0</c> and <c>\xNN</c>, and cut after <paramref name="maxLength"/> characters with <c>…</c>.
    /// </summary>
    /// <param name="text">The text; <see langword="null"/> gives an empty string.</param>
    /// <param name="maxLength">The most characters kept from <paramref name="text"/>.</param>
    public static string Escape(string? text, int maxLength = DefaultMaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        bool cut = text.Length > maxLength;
        ReadOnlySpan<char> kept = cut ? text.AsSpan(0, maxLength) : text;
        if (!cut && !NeedsEscape(kept))
        {
            return text;
        }

        var builder = new StringBuilder(kept.Length + 8);
        foreach (char c in kept)
        {
            _ = c switch
            {
                '\r' => builder.Append("\\r"),
                '\n' => builder.Append("\\n"),
                '\t' => builder.Append("\\t"),
                '\0' => builder.Append("\\0"),
                '\\' => builder.Append("\\\\"),
                < ' ' or '\x7f' or (>= '\x80' and <= '\x9f') or '\u2028' or '\u2029' => builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => builder.Append(c),
            };
        }

        if (cut)
        {
            builder.Append('…');
        }

        return builder.ToString();
    }

    private static bool NeedsEscape(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (c is < ' ' or '\x7f' or '\\' or (>= '\x80' and <= '\x9f') or '\u2028' or '\u2029')
            {
                return true;
            }
        }

        return false;
    }
}
