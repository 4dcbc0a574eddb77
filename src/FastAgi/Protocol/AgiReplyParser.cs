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
        bool multiLine = separator == (byte)'-';
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
                multiLine = true;
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

        if (multiLine)
        {
            // The first line is checked already; the usage text or the joined lines of a value are not.
            ThrowIfNul(reader.Sequence.Slice(reader.Position, scan.Position));
        }

        reader = scan;
        reply = new AgiReply(statusCode, text, usage);
        return AgiReplyParseStatus.Reply;
    }

    /// <summary>
    /// Reads the reply to a command sent with a <paramref name="fence"/>: everything up to the fence's own reply, so a value
    /// holding line feeds, parentheses or text that looks like replies is returned exactly. When the input does not reach the
    /// fence yet it returns <see cref="AgiReplyParseStatus.ReplyStarted"/> once the reply has begun (the cue to send the
    /// fence) or <see cref="AgiReplyParseStatus.Incomplete"/> before that, and leaves <paramref name="reader"/> where it was.
    /// </summary>
    /// <param name="reader">The input; advanced past the reply, any <c>HANGUP</c> lines after it and the fence's reply.</param>
    /// <param name="fence">The fence sent, or to be sent, after the command.</param>
    /// <param name="isFinalBlock">Whether the input has ended (the peer closed): the reply then ends where the input does.</param>
    /// <param name="limits">The reply length limit.</param>
    /// <param name="reply">The reply, when the status is <see cref="AgiReplyParseStatus.Reply"/>.</param>
    /// <param name="hangups">How many <c>HANGUP</c> lines came between the reply and the fence's reply.</param>
    /// <returns>
    /// <see cref="AgiReplyParseStatus.Hangup"/> for a <c>HANGUP</c> line before the reply, <see cref="AgiReplyParseStatus.ReplyStarted"/>,
    /// <see cref="AgiReplyParseStatus.Reply"/> or <see cref="AgiReplyParseStatus.Incomplete"/>.
    /// </returns>
    /// <exception cref="AgiProtocolException">The reply is longer than the limit, does not start with a status code, or holds lines no Asterisk reply has.</exception>
    public static AgiReplyParseStatus TryParseFenced(
        ref SequenceReader<byte> reader,
        AgiReplyFence fence,
        bool isFinalBlock,
        AgiProtocolLimits limits,
        out AgiReply? reply,
        out int hangups)
    {
        ArgumentNullException.ThrowIfNull(fence);
        ArgumentNullException.ThrowIfNull(limits);
        reply = null;
        hangups = 0;
        if (!reader.TryPeek(out byte first))
        {
            return AgiReplyParseStatus.Incomplete;
        }

        if (!IsDigit(first))
        {
            // Only run_agi()'s HANGUP can come before the reply: the hangup was seen before Asterisk read the command.
            SequenceReader<byte> line = reader;
            if (!line.TryReadTo(out ReadOnlySequence<byte> text, (byte)'\n'))
            {
                ThrowIfTooLong(line.Remaining, limits);
                return AgiReplyParseStatus.Incomplete;
            }

            if (text.Length == 6 && StartsWith(text, "HANGUP"u8))
            {
                reader = line;
                return AgiReplyParseStatus.Hangup;
            }

            ReadStatusCode(text, out _);
        }

        ReadOnlySequence<byte> unread = reader.UnreadSequence;
        if (StartsWith(unread, fence.ReplyLine))
        {
            AgiProtocolException.Throw(AgiProtocolError.UnexpectedReply, "The fence's reply arrived where the command's own reply should be.");
        }

        SequenceReader<byte> search = reader;
        ReadOnlySequence<byte> region;
        if (search.TryReadTo(out ReadOnlySequence<byte> beforeFence, fence.Delimiter))
        {
            // The delimiter starts with the LF that ends the region's last line.
            region = unread.Slice(0, beforeFence.Length + 1);
        }
        else if (isFinalBlock)
        {
            // Asterisk closed before answering the fence (AGIEXITONHANGUP): it writes nothing but HANGUP after a reply.
            region = unread;
            search.AdvanceToEnd();
        }
        else
        {
            // Room for the reply's LF, two HANGUP lines and most of the fence's reply behind a reply of the limit's length.
            ThrowIfTooLong(unread.Length - 1 - 14 - fence.Delimiter.Length, limits);
            return AgiReplyParseStatus.ReplyStarted;
        }

        // A reply ends with its own line's LF; "HANGUP\n" lines after it are run_agi()'s. A value cannot fake one: the
        // reply's last line ends with the ')' that "(%s)\n" puts after the value.
        while (region.Length >= 8 && EndsWith(region, "\nHANGUP\n"u8))
        {
            hangups++;
            region = region.Slice(0, region.Length - 7);
        }

        if (!EndsWith(region, (byte)'\n'))
        {
            // Closed in the middle of the reply: the connection is gone, not a reply.
            return AgiReplyParseStatus.Incomplete;
        }

        // Measured as the line parser measures a reply: without its final LF.
        ThrowIfTooLong(region.Length - 1, limits);

        ThrowIfNul(region);
        reply = ParseRegion(region.Slice(0, region.Length - 1));
        reader = search;
        return AgiReplyParseStatus.Reply;
    }

    /// <summary>Parses a fenced reply, its final LF removed: one line, GOSUB's interim line and its final line, a 520 block, or a value holding LF.</summary>
    private static AgiReply ParseRegion(ReadOnlySequence<byte> region)
    {
        while (true)
        {
            SequenceReader<byte> lines = new(region);
            bool multiLine = lines.TryReadTo(out ReadOnlySequence<byte> first, (byte)'\n');
            if (!multiLine)
            {
                first = region;
            }

            int statusCode = ReadStatusCode(first, out byte separator);
            if (!multiLine)
            {
                return new AgiReply(statusCode, first.Length > 4 ? Decode(first.Slice(4)) : string.Empty);
            }

            if (separator == (byte)'-')
            {
                // "520-…\n" usage "\n520 End of proper usage.": the final line is the region's last.
                ReadOnlySequence<byte> rest = lines.UnreadSequence;
                SequencePosition? lastLineFeed = LastIndexOf(rest, (byte)'\n');
                ReadOnlySequence<byte> last = lastLineFeed is { } position ? rest.Slice(rest.GetPosition(1, position)) : rest;
                if (last.Length < 4 || !IsFinalLine(last, statusCode))
                {
                    AgiProtocolException.Throw(AgiProtocolError.UnexpectedReply, $"A {statusCode} usage block is followed by '{Describe(last)}'.");
                }

                string usage = lastLineFeed is { } end ? Decode(rest.Slice(0, end)) : string.Empty;
                return new AgiReply(statusCode, Decode(first.Slice(4)), usage);
            }

            if (statusCode == 100)
            {
                // GOSUB's "100 result=0 Trying..." comes before its final line.
                region = lines.UnreadSequence;
                continue;
            }

            if (first.PositionOf((byte)'(') is null)
            {
                // Only a value ("(%s)") or speech text can hold a line feed.
                AgiProtocolException.Throw(AgiProtocolError.UnexpectedReply, $"The reply '{Describe(first)}' is followed by '{Describe(lines.UnreadSequence)}', which answers no command.");
            }

            return new AgiReply(statusCode, Decode(region.Slice(4)));
        }
    }

    private static SequencePosition? LastIndexOf(ReadOnlySequence<byte> sequence, byte value)
    {
        SequencePosition? found = null;
        SequenceReader<byte> scan = new(sequence);
        while (scan.TryAdvanceTo(value, advancePastDelimiter: false))
        {
            found = scan.Position;
            scan.Advance(1);
        }

        return found;
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

        int statusCode = ((head[0] - '0') * 100) + ((head[1] - '0') * 10) + (head[2] - '0');

        // agi_handle_command() answers 200, 510, 511 and 520; GOSUB (app_stack.c) adds 100 and 503.
        if (statusCode is not (100 or 200 or 503 or 510 or 511 or 520))
        {
            AgiProtocolException.Throw(AgiProtocolError.MalformedReply, $"Asterisk never answers with status {statusCode}: got '{Describe(line)}'.");
        }

        ValidateHead(line);
        return statusCode;
    }

    /// <summary>
    /// Checks what no value can hold: a NUL (Asterisk's "%s" stops at one), and before any parenthesis or quote a
    /// control character, a <c>result=</c> that is neither a number nor digits, or a CR ending the line (Asterisk ends lines
    /// with LF alone).
    /// </summary>
    private static void ValidateHead(ReadOnlySequence<byte> line)
    {
        // The usual reply is one short line in one segment: checked as a span, without a reader.
        if (line.IsSingleSegment)
        {
            ValidateHead(line.FirstSpan, line);
            return;
        }

        if (line.PositionOf((byte)0) is not null)
        {
            AgiProtocolException.Throw(AgiProtocolError.NulByte, $"A reply holds a NUL byte, which Asterisk never writes: '{Describe(line)}'.");
        }

        SequenceReader<byte> head = new(line);
        head.Advance(Math.Min(4, line.Length));
        bool result = head.IsNext("result="u8, advancePast: true);
        bool inResult = result;
        bool signAllowed = result;
        while (head.TryRead(out byte value))
        {
            if (value is (byte)'(' or (byte)'"')
            {
                // The value or a quoted text: raw bytes from here on.
                return;
            }

            if (inResult)
            {
                if (value == (byte)' ')
                {
                    inResult = false;
                }
                else if (!IsDigit(value) && !(signAllowed && value == (byte)'-') && value is not ((byte)'*' or (byte)'#' or (>= (byte)'A' and <= (byte)'D') or (>= (byte)'a' and <= (byte)'d')))
                {
                    // A number, or GET DATA's digits ("200 result=%s"), which may hold * # and A-D.
                    AgiProtocolException.Throw(AgiProtocolError.MalformedReply, $"A reply's result is neither a number nor digits: '{Describe(line)}'.");
                }

                signAllowed = false;
                continue;
            }

            if (value == (byte)'\r' && head.End)
            {
                AgiProtocolException.Throw(AgiProtocolError.MalformedReply, $"A reply line ends with CR LF; Asterisk ends its lines with LF alone: '{Describe(line)}'.");
            }

            if (value is < 0x20 or 0x7f && value != (byte)'\t')
            {
                AgiProtocolException.Throw(AgiProtocolError.MalformedReply, $"A reply holds a control character outside its value: '{Describe(line)}'.");
            }
        }
    }

    private static void ValidateHead(ReadOnlySpan<byte> line, ReadOnlySequence<byte> shown)
    {
        if (line.IndexOf((byte)0) >= 0)
        {
            AgiProtocolException.Throw(AgiProtocolError.NulByte, $"A reply holds a NUL byte, which Asterisk never writes: '{Describe(shown)}'.");
        }

        int i = Math.Min(4, line.Length);
        bool inResult = line[i..].StartsWith("result="u8);
        bool signAllowed = inResult;
        if (inResult)
        {
            i += 7;
        }

        for (; i < line.Length; i++)
        {
            byte value = line[i];
            if (value is (byte)'(' or (byte)'"')
            {
                return;
            }

            if (inResult)
            {
                if (value == (byte)' ')
                {
                    inResult = false;
                }
                else if (!IsDigit(value) && !(signAllowed && value == (byte)'-') && value is not ((byte)'*' or (byte)'#' or (>= (byte)'A' and <= (byte)'D') or (>= (byte)'a' and <= (byte)'d')))
                {
                    AgiProtocolException.Throw(AgiProtocolError.MalformedReply, $"A reply's result is neither a number nor digits: '{Describe(shown)}'.");
                }

                signAllowed = false;
                continue;
            }

            if (value == (byte)'\r' && i == line.Length - 1)
            {
                AgiProtocolException.Throw(AgiProtocolError.MalformedReply, $"A reply line ends with CR LF; Asterisk ends its lines with LF alone: '{Describe(shown)}'.");
            }

            if (value is < 0x20 or 0x7f && value != (byte)'\t')
            {
                AgiProtocolException.Throw(AgiProtocolError.MalformedReply, $"A reply holds a control character outside its value: '{Describe(shown)}'.");
            }
        }
    }

    private static void ThrowIfNul(ReadOnlySequence<byte> message)
    {
        if (message.PositionOf((byte)0) is not null)
        {
            AgiProtocolException.Throw(AgiProtocolError.NulByte, "A reply holds a NUL byte, which Asterisk never writes.");
        }
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

    private static bool EndsWith(ReadOnlySequence<byte> sequence, ReadOnlySpan<byte> suffix)
    {
        if (sequence.Length < suffix.Length)
        {
            return false;
        }

        Span<byte> tail = stackalloc byte[suffix.Length];
        sequence.Slice(sequence.Length - suffix.Length).CopyTo(tail);
        return tail.SequenceEqual(suffix);
    }

    private static bool EndsWith(ReadOnlySequence<byte> sequence, byte value)
    {
        if (sequence.IsEmpty)
        {
            return false;
        }

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
