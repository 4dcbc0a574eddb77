using System.Buffers;
using System.Globalization;
using System.Text;

namespace FastAgi.Protocol;

/// <summary>Parses what Asterisk writes after the environment block: replies to commands and the unsolicited <c>HANGUP</c> line.</summary>
public static class AgiReplyParser
{
    private const int StackCopyLimit = 512;

    /// <summary>
    /// Reads one message from the start of <paramref name="reader"/>. When the message is incomplete it returns
    /// <see cref="AgiReplyParseStatus.Incomplete"/> and leaves <paramref name="reader"/> where it was; otherwise it advances past the message.
    /// </summary>
    /// <exception cref="AgiProtocolException">The reply is longer than <see cref="AgiProtocolLimits.MaxReplyLength"/> or does not start with a status code.</exception>
    public static AgiReplyParseStatus TryParse(ref SequenceReader<byte> reader, AgiProtocolLimits limits, out AgiReply? reply)
    {
        ArgumentNullException.ThrowIfNull(limits);
        reply = null;
        SequenceReader<byte> scan = reader;
        if (!scan.TryReadTo(out ReadOnlySequence<byte> first, (byte)'\n'))
        {
            ThrowIfTooLong(scan.Remaining, limits);
            return AgiReplyParseStatus.Incomplete;
        }

        ThrowIfTooLong(first.Length, limits);

        // run_agi() writes "HANGUP\n" on its own when the channel hangs up (AGISIGHUP), between or right after replies.
        if (first.Length == 6 && StartsWith(first, "HANGUP"u8))
        {
            reader = scan;
            return AgiReplyParseStatus.Hangup;
        }

        int statusCode = ReadStatusCode(first, out byte separator);
        string? usage = null;
        string text;
        if (separator == (byte)'-')
        {
            // agi_handle_command(), RESULT_SHOWUSAGE: "520-Invalid command syntax.  Proper usage follows:\n" + usage + "520 End of proper usage.\n".
            // Each part is a separate write, ~40 ms apart (Nagle): only the "NNN " line ends the block, never a pause.
            SequencePosition usageStart = scan.Position;
            while (true)
            {
                SequencePosition lineStart = scan.Position;
                if (!scan.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
                {
                    ThrowIfTooLong(reader.Remaining, limits);
                    return AgiReplyParseStatus.Incomplete;
                }

                ThrowIfTooLong(reader.Sequence.Slice(reader.Position, scan.Position).Length, limits);
                if (line.Length >= 4 && IsFinalLine(line, statusCode))
                {
                    ReadOnlySequence<byte> usageBytes = reader.Sequence.Slice(usageStart, lineStart);
                    usage = usageBytes.Length <= 1 ? string.Empty : Decode(usageBytes.Slice(0, usageBytes.Length - 1));
                    break;
                }
            }

            text = Decode(first.Slice(4));
        }
        else
        {
            ReadOnlySequence<byte> body = first.Length > 4 ? first.Slice(4) : default;
            if (OpensUnclosedData(body))
            {
                // "200 result=1 (%s)\n" with a value holding LF arrives as several lines (02b): the reply ends at the
                // first later line that ends with ')', which Asterisk's format always puts last.
                while (true)
                {
                    if (!scan.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
                    {
                        ThrowIfTooLong(reader.Remaining, limits);
                        return AgiReplyParseStatus.Incomplete;
                    }

                    ThrowIfTooLong(reader.Sequence.Slice(reader.Position, scan.Position).Length, limits);
                    if (!line.IsEmpty && EndsWith(line, (byte)')'))
                    {
                        break;
                    }
                }

                ReadOnlySequence<byte> whole = reader.Sequence.Slice(reader.Position, scan.Position);
                body = whole.Slice(4, whole.Length - 5);
            }

            text = body.IsEmpty ? string.Empty : Decode(body);
        }

        reader = scan;
        reply = new AgiReply(statusCode, text, usage);
        return AgiReplyParseStatus.Reply;
    }

    private static int ReadStatusCode(ReadOnlySequence<byte> line, out byte separator)
    {
        Span<byte> head = stackalloc byte[4];
        int length = (int)Math.Min(4, line.Length);
        line.Slice(0, length).CopyTo(head);
        separator = length == 4 ? head[3] : (byte)' ';
        if (length < 3 || !IsDigit(head[0]) || !IsDigit(head[1]) || !IsDigit(head[2]) || (separator != (byte)' ' && separator != (byte)'-'))
        {
            AgiProtocolException.Throw(AgiProtocolError.MalformedReply, $"Expected a reply starting with a three-digit status code, got '{Describe(line)}'.");
        }

        return ((head[0] - '0') * 100) + ((head[1] - '0') * 10) + (head[2] - '0');
    }

    private static bool IsFinalLine(ReadOnlySequence<byte> line, int statusCode)
    {
        Span<byte> head = stackalloc byte[4];
        line.Slice(0, 4).CopyTo(head);
        return head[3] == (byte)' ' && IsDigit(head[0]) && IsDigit(head[1]) && IsDigit(head[2])
            && ((head[0] - '0') * 100) + ((head[1] - '0') * 10) + (head[2] - '0') == statusCode;
    }

    private static bool OpensUnclosedData(ReadOnlySequence<byte> body)
    {
        if (body.IsEmpty || !StartsWith(body, "result="u8))
        {
            return false;
        }

        SequenceReader<byte> scan = new(body);
        if (!scan.TryAdvanceTo((byte)' ') || !scan.IsNext((byte)'('))
        {
            return false;
        }

        return !scan.TryAdvanceTo((byte)')', advancePastDelimiter: false);
    }

    private static bool StartsWith(ReadOnlySequence<byte> sequence, ReadOnlySpan<byte> prefix)
    {
        if (sequence.Length < prefix.Length)
        {
            return false;
        }

        if (sequence.FirstSpan.Length >= prefix.Length)
        {
            return sequence.FirstSpan.StartsWith(prefix);
        }

        Span<byte> head = stackalloc byte[prefix.Length];
        sequence.Slice(0, prefix.Length).CopyTo(head);
        return head.SequenceEqual(prefix);
    }

    private static bool EndsWith(ReadOnlySequence<byte> sequence, byte value)
    {
        Span<byte> last = stackalloc byte[1];
        sequence.Slice(sequence.Length - 1).CopyTo(last);
        return last[0] == value;
    }

    private static bool IsDigit(byte value) => value is >= (byte)'0' and <= (byte)'9';

    private static void ThrowIfTooLong(long length, AgiProtocolLimits limits)
    {
        if (length > limits.MaxReplyLength)
        {
            AgiProtocolException.Throw(AgiProtocolError.ReplyTooLong, string.Create(CultureInfo.InvariantCulture, $"A reply exceeds {limits.MaxReplyLength} bytes."));
        }
    }

    private static string Decode(ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsSingleSegment)
        {
            return Encoding.UTF8.GetString(bytes.FirstSpan);
        }

        int length = (int)bytes.Length;
        if (length <= StackCopyLimit)
        {
            Span<byte> copy = stackalloc byte[length];
            bytes.CopyTo(copy);
            return Encoding.UTF8.GetString(copy);
        }

        return Encoding.UTF8.GetString(bytes);
    }

    private static string Describe(ReadOnlySequence<byte> line)
    {
        // Only a bounded, printable prefix goes into the message: the input is hostile by assumption.
        ReadOnlySequence<byte> prefix = line.Slice(0, Math.Min(line.Length, 40));
        var builder = new StringBuilder((int)prefix.Length);
        foreach (ReadOnlyMemory<byte> segment in prefix)
        {
            foreach (byte value in segment.Span)
            {
                builder.Append(value is >= 0x20 and < 0x7f ? (char)value : '?');
            }
        }

        return builder.ToString();
    }
}
