namespace FastAgi.Testing.Engine;

/// <summary>Splits an AGI command line into words exactly as Asterisk 22's <c>parse_args()</c> in <c>res/res_agi.c</c> does.</summary>
/// <remarks>
/// Whitespace (space or tab) outside quotes ends a word; <c>"</c> toggles quoting and is dropped, and a quote coming off
/// whitespace starts a new word (so <c>""</c> is an empty word); <c>\</c> escapes the next character and is dropped
/// (there is no <c>\t</c> or <c>\n</c>); at most 127 words are kept and later ones are dropped with a warning.
/// </remarks>
public static class AsteriskTokenizer
{
    /// <summary><c>MAX_ARGS - 1</c> in res_agi.c: the most words <c>parse_args()</c> keeps.</summary>
    public const int MaxWords = 127;

    /// <summary>Returns the words Asterisk reads from <paramref name="line"/> (the command line without its LF).</summary>
    public static IReadOnlyList<string> Split(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = new List<System.Text.StringBuilder>();
        System.Text.StringBuilder? current = null;
        bool quoted = false, escaped = false, whitespace = true;
        foreach (char c in line)
        {
            // parse_args() walks a NUL-terminated C string.
            if (c == '\0')
            {
                break;
            }

            bool literal;
            switch (c)
            {
                case '"' when !escaped:
                    quoted = !quoted;
                    if (quoted && whitespace)
                    {
                        // "If we're starting a quote, coming off white space start a new word, too" (no MAX_ARGS check in C).
                        current = new System.Text.StringBuilder();
                        words.Add(current);
                        whitespace = false;
                    }

                    escaped = false;
                    literal = false;
                    break;
                case ' ' or '\t' when !quoted && !escaped:
                    whitespace = true;
                    literal = false;
                    break;
                case '\\' when !escaped:
                    escaped = true;
                    literal = false;
                    break;
                default:
                    literal = true;
                    break;
            }

            if (!literal)
            {
                continue;
            }

            if (whitespace)
            {
                if (words.Count >= MaxWords)
                {
                    // "Too many arguments, truncating": the character is dropped and 'escaped' keeps its value.
                    continue;
                }

                current = new System.Text.StringBuilder();
                words.Add(current);
                whitespace = false;
            }

            current!.Append(c);
            escaped = false;
        }

        return [.. words.Select(static word => word.ToString())];
    }

    /// <summary>Writes <paramref name="words"/> back as one line that <see cref="Split"/> reads as the same words, for messages: words that need it are quoted.</summary>
    public static string Join(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        return string.Join(' ', words.Select(Quote));
    }

    /// <summary>Quotes one word the way a FastAGI server should send it: bare when safe, otherwise in quotes with <c>"</c> and <c>\</c> escaped.</summary>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length == 0)
        {
            return "\"\"";
        }

        if (word.AsSpan().IndexOfAny(" \t\"\\") < 0)
        {
            return word;
        }

        return "\"" + word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
