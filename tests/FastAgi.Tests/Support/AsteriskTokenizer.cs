using System.Text;

namespace FastAgi.Tests.Support;

/// <summary>
/// How Asterisk 22.10.1 reads what a FastAGI server writes, ported from <c>res/res_agi.c</c>: <see cref="ReadCommands"/> is
/// the <c>fgets()</c> loop of <c>run_agi()</c> and <see cref="Split(ReadOnlySpan{byte})"/> is <c>parse_args()</c>.
/// The tests use it as the oracle for <see cref="FastAgi.Protocol.AgiCommandWriter"/>; it is itself checked against recordings.
/// </summary>
public static class AsteriskTokenizer
{
    /// <summary><c>MAX_ARGS</c>: <c>parse_args()</c> keeps at most <c>MAX_ARGS - 1</c> words.</summary>
    public const int MaxArgs = 128;

    /// <summary><c>AGI_BUF_LEN</c>: the size of <c>run_agi()</c>'s line buffer, NUL terminator included.</summary>
    public const int BufferLength = 8192;

    /// <summary>
    /// Splits a byte stream into the commands <c>run_agi()</c> runs: <c>fgets(buf, AGI_BUF_LEN, readf)</c> reads up to and
    /// including a LF but at most 8191 bytes, and the trailing LF (only LF, never CR) is removed. A longer line is therefore
    /// cut into 8191-byte commands, and a line of exactly 8191 bytes leaves its LF behind as an empty command.
    /// </summary>
    public static IReadOnlyList<byte[]> ReadCommands(ReadOnlySpan<byte> stream)
    {
        var commands = new List<byte[]>();
        while (!stream.IsEmpty)
        {
            ReadOnlySpan<byte> window = stream[..Math.Min(stream.Length, BufferLength - 1)];
            int lineFeed = window.IndexOf((byte)'\n');
            int taken = lineFeed >= 0 ? lineFeed + 1 : window.Length;
            commands.Add((lineFeed >= 0 ? window[..lineFeed] : window).ToArray());
            stream = stream[taken..];
        }

        return commands;
    }

    /// <summary><c>parse_args()</c>: the words of one command line (LF already removed), as raw bytes.</summary>
    public static IReadOnlyList<byte[]> Split(ReadOnlySpan<byte> line)
    {
        var words = new List<List<byte>>();
        List<byte>? current = null;
        bool quoted = false;
        bool escaped = false;
        bool whitespace = true;
        foreach (byte c in line)
        {
            // The C code walks a NUL-terminated string.
            if (c == 0)
            {
                break;
            }

            switch (c)
            {
                case (byte)'"':
                    if (escaped)
                    {
                        goto default;
                    }

                    quoted = !quoted;
                    if (quoted && whitespace)
                    {
                        // A quote coming off whitespace starts a word; the C code does this without the MAX_ARGS check.
                        current = [];
                        words.Add(current);
                        whitespace = false;
                    }

                    escaped = false;
                    break;
                case (byte)' ' or (byte)'\t':
                    if (quoted || escaped)
                    {
                        goto default;
                    }

                    whitespace = true;
                    break;
                case (byte)'\\':
                    if (escaped)
                    {
                        goto default;
                    }

                    escaped = true;
                    break;
                default:
                    if (whitespace)
                    {
                        if (words.Count >= MaxArgs - 1)
                        {
                            // "Too many arguments, truncating": the byte is dropped and 'escaped' is left as it was.
                            break;
                        }

                        current = [];
                        words.Add(current);
                        whitespace = false;
                    }

                    current!.Add(c);
                    escaped = false;
                    break;
            }
        }

        return [.. words.Select(word => word.ToArray())];
    }

    /// <summary><c>parse_args()</c> on the UTF-8 text <paramref name="line"/>, words decoded as UTF-8.</summary>
    public static IReadOnlyList<string> SplitText(string line) => SplitToStrings(Encoding.UTF8.GetBytes(line));

    /// <summary><c>parse_args()</c>, words decoded as UTF-8.</summary>
    public static IReadOnlyList<string> SplitToStrings(ReadOnlySpan<byte> line) => [.. Split(line).Select(word => Encoding.UTF8.GetString(word))];
}
