using System.Text;

namespace FastAgi.Testing.Engine;

/// <summary>Splits an AGI command line into words exactly as Asterisk 22's <c>parse_args()</c> in <c>res/res_agi.c</c> does.</summary>
/// <remarks>
/// Whitespace (space or tab) outside quotes ends a word; <c>"</c> toggles quoting and is dropped, and a quote coming off
/// whitespace starts a new word (so <c>""</c> is an empty word); <c>\</c> escapes the next character and is dropped
/// (there is no <c>\t</c> or <c>\n</c>); at most 127 words are kept and later ones are dropped with a warning.
/// <see cref="ReadCommands"/> is the <c>fgets()</c> loop of <c>run_agi()</c> that cuts what the server wrote into command lines.
/// </remarks>
public static class AsteriskTokenizer
{
    /// <summary><c>MAX_ARGS - 1</c> in res_agi.c: the most words <c>parse_args()</c> keeps.</summary>
    public const int MaxWords = 127;

    /// <summary><c>AGI_BUF_LEN</c> in res_agi.c: the size of <c>run_agi()</c>'s line buffer, NUL terminator included.</summary>
    public const int LineBufferLength = 8192;

    /// <summary>Returns the words Asterisk reads from <paramref name="line"/> (the command line without its LF).</summary>
    public static IReadOnlyList<string> Split(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return [.. Split(Encoding.UTF8.GetBytes(line)).Select(static word => Encoding.UTF8.GetString(word))];
    }

    /// <summary>Returns the words, as raw bytes, that <c>parse_args()</c> reads from <paramref name="line"/> (the command line without its LF).</summary>
    /// <remarks>Asterisk splits bytes, not characters; every byte it treats specially is ASCII, so UTF-8 text splits the same either way.</remarks>
    public static IReadOnlyList<byte[]> Split(ReadOnlySpan<byte> line)
    {
        var words = new List<List<byte>>();
        List<byte>? current = null;
        bool quoted = false, escaped = false, whitespace = true;
        foreach (byte c in line)
        {
            // parse_args() walks a NUL-terminated C string.
            if (c == 0)
            {
                break;
            }

            bool literal;
            switch (c)
            {
                case (byte)'"' when !escaped:
                    quoted = !quoted;
                    if (quoted && whitespace)
                    {
                        // "If we're starting a quote, coming off white space start a new word, too" (no MAX_ARGS check in C).
                        current = [];
                        words.Add(current);
                        whitespace = false;
                    }

                    escaped = false;
                    literal = false;
                    break;
                case (byte)' ' or (byte)'\t' when !quoted && !escaped:
                    whitespace = true;
                    literal = false;
                    break;
                case (byte)'\\' when !escaped:
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
                    // "Too many arguments, truncating": the byte is dropped and 'escaped' keeps its value.
                    continue;
                }

                current = [];
                words.Add(current);
                whitespace = false;
            }

            current!.Add(c);
            escaped = false;
        }

        return [.. words.Select(static word => word.ToArray())];
    }

    /// <summary>
    /// Splits what a server wrote into the command lines <c>run_agi()</c> runs, each without its LF:
    /// <c>fgets(buf, AGI_BUF_LEN, readf)</c> reads up to and including a LF but at most 8191 bytes, and only a trailing LF
    /// (never a CR) is removed. A longer line is therefore cut into 8191-byte commands, and a line of exactly 8191 bytes
    /// leaves its LF behind as an empty command.
    /// </summary>
    public static IReadOnlyList<byte[]> ReadCommands(ReadOnlySpan<byte> written)
    {
        var commands = new List<byte[]>();
        while (!written.IsEmpty)
        {
            ReadOnlySpan<byte> window = written[..Math.Min(written.Length, LineBufferLength - 1)];
            int lineFeed = window.IndexOf((byte)'\n');
            commands.Add((lineFeed >= 0 ? window[..lineFeed] : window).ToArray());
            written = written[(lineFeed >= 0 ? lineFeed + 1 : window.Length)..];
        }

        return commands;
    }

    /// <summary>Writes <paramref name="words"/> back as one line that <see cref="Split(string)"/> reads as the same words, for messages: words that need it are quoted.</summary>
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
