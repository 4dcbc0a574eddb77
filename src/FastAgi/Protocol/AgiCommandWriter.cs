using System.Buffers;
using System.Text;

namespace FastAgi.Protocol;

/// <summary>Writes an AGI command line (<c>STREAM FILE welcome "#"\n</c>), quoting each argument the way Asterisk's tokenizer reads it back.</summary>
/// <remarks>
/// Every check runs before the first byte is written: an argument holding CR, LF or NUL (which would end the line early
/// or be cut by Asterisk), a line over 8190 bytes (8191 with its LF) or over 127 words is refused with an <see cref="ArgumentException"/>.
/// </remarks>
public static class AgiCommandWriter
{
    /// <summary>The longest command line Asterisk reads as one command, LF excluded.</summary>
    /// <remarks>
    /// run_agi() in res_agi.c reads with <c>fgets()</c> into <c>char buf[AGI_BUF_LEN]</c> (8192): at most 8191 bytes, LF included.
    /// A line of 8191 bytes does run, but its LF is left behind and later runs as an empty command whose <c>510</c> reply
    /// puts the session one reply out of step (recorded in 03a).
    /// </remarks>
    public const int MaxLineLength = 8190;

    /// <summary>The most words Asterisk keeps from one command line (<c>MAX_ARGS - 1</c> in res_agi.c); later words are dropped.</summary>
    public const int MaxWords = 127;

    /// <summary>Checks <paramref name="command"/> and <paramref name="arguments"/> and returns the length of the line without its LF.</summary>
    /// <exception cref="ArgumentException">The command or an argument cannot be sent safely.</exception>
    public static int Measure(string command, ReadOnlySpan<string> arguments)
    {
        ValidateCommand(command, out int words);
        int length = command.Length;
        for (int i = 0; i < arguments.Length; i++)
        {
            string argument = arguments[i] ?? throw new ArgumentException($"Argument {i} of '{command}' is null; pass an empty string for an empty argument.", nameof(arguments));
            length += 1 + MeasureArgument(command, i, argument);
        }

        words += arguments.Length;
        if (words > MaxWords)
        {
            throw new ArgumentException($"'{command}' has {words} words; Asterisk reads at most {MaxWords} and silently drops the rest.", nameof(arguments));
        }

        if (length > MaxLineLength)
        {
            throw new ArgumentException(
                $"'{command}' would be a {length}-byte line; the most that can be sent is {MaxLineLength} bytes and its LF. Asterisk reads 8191 bytes at a time: a longer line runs as two commands, and at exactly 8191 the LF is left over and answered with an extra 510.",
                nameof(arguments));
        }

        return length;
    }

    /// <summary>Writes <paramref name="command"/> and its quoted <paramref name="arguments"/> followed by LF into <paramref name="output"/>, returning the bytes written.</summary>
    /// <exception cref="ArgumentException">The command or an argument cannot be sent safely; nothing was written.</exception>
    public static int Write(IBufferWriter<byte> output, string command, params ReadOnlySpan<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(output);
        return WriteMeasured(output, command, arguments, Measure(command, arguments));
    }

    /// <summary>Writes a command whose <paramref name="length"/> <see cref="Measure"/> has already returned, so the checks do not run twice.</summary>
    internal static int WriteMeasured(IBufferWriter<byte> output, string command, ReadOnlySpan<string> arguments, int length)
    {
        Span<byte> buffer = output.GetSpan(length + 1);
        int written = Encoding.ASCII.GetBytes(command, buffer);
        foreach (string argument in arguments)
        {
            buffer[written++] = (byte)' ';
            written += WriteArgument(argument, buffer[written..]);
        }

        buffer[written++] = (byte)'\n';
        output.Advance(written);
        return written;
    }

    /// <summary>Returns the exact command line, LF included, as a string: for logs and tests.</summary>
    public static string Format(string command, params ReadOnlySpan<string> arguments)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(buffer, command, arguments);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void ValidateCommand(string command, out int words)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        words = 1;
        for (int i = 0; i < command.Length; i++)
        {
            char c = command[i];
            if (c == ' ')
            {
                if (i == 0 || i == command.Length - 1 || command[i - 1] == ' ')
                {
                    throw new ArgumentException($"The command '{command}' must be words separated by single spaces.", nameof(command));
                }

                words++;
            }
            else if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-')
            {
                throw new ArgumentException($"The command '{command}' may only hold ASCII letters, digits, '_', '-' and single spaces; pass values as arguments.", nameof(command));
            }
        }

        // run_agi() ends the session with AGISTATUS=FAILURE on any line starting with "failure" (strncasecmp).
        if (command.StartsWith("failure", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("A command line starting with 'failure' would end the AGI session with AGISTATUS=FAILURE.", nameof(command));
        }
    }

    private static int MeasureArgument(string command, int index, string argument)
    {
        if (argument.Length == 0)
        {
            return 2;
        }

        bool quote = false;
        int escapes = 0;
        foreach (char c in argument)
        {
            switch (c)
            {
                case '\r' or '\n' or '\0':
                    throw new ArgumentException(
                        $"Argument {index} of '{command}' contains {(c == '\0' ? "NUL" : c == '\r' ? "CR" : "LF")}, which cannot be sent: LF would end the command early, CR would be kept in the value and NUL would truncate it.");
                case '"' or '\\':
                    quote = true;
                    escapes++;
                    break;
                case ' ' or '\t':
                    quote = true;
                    break;
            }
        }

        int bytes = Encoding.UTF8.GetByteCount(argument) + escapes;
        return quote ? bytes + 2 : bytes;
    }

    private static int WriteArgument(string argument, Span<byte> destination)
    {
        // parse_args() in res_agi.c: whitespace splits words outside quotes, '"' toggles quoting, '\' escapes the next
        // character and is dropped. So a value is sent bare when it is safe, otherwise in quotes with '"' and '\' escaped.
        if (argument.Length == 0)
        {
            destination[0] = (byte)'"';
            destination[1] = (byte)'"';
            return 2;
        }

        if (argument.AsSpan().IndexOfAny(" \t\"\\") < 0)
        {
            return Encoding.UTF8.GetBytes(argument, destination);
        }

        int written = 0;
        destination[written++] = (byte)'"';
        ReadOnlySpan<char> rest = argument;
        while (!rest.IsEmpty)
        {
            int special = rest.IndexOfAny('"', '\\');
            ReadOnlySpan<char> plain = special < 0 ? rest : rest[..special];
            written += Encoding.UTF8.GetBytes(plain, destination[written..]);
            if (special < 0)
            {
                break;
            }

            destination[written++] = (byte)'\\';
            destination[written++] = (byte)rest[special];
            rest = rest[(special + 1)..];
        }

        destination[written++] = (byte)'"';
        return written;
    }
}
