using System.Buffers;
using System.Text;
using FastAgi.Protocol;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Protocol;

/// <summary>
/// <see cref="AgiReplyParser.TryParseFenced"/>: values Asterisk writes raw as <c>"200 result=1 (%s)\n"</c> (res_agi.c
/// handle_getvariable()), whatever bytes they hold, read exactly up to the fence's reply, in every segmentation.
/// </summary>
public sealed class AgiReplyParserFencedTests
{
    /// <summary>Values from SHELL(), CURL(), FILE(), databases and callers: each must come back exactly.</summary>
    public static TheoryData<string, string> HostileValues => new()
    {
        { "a value that closes early and forges a reply", "abc)\n200 result=1 (injected)" },
        { "SHELL() output with parentheses and a trailing line feed", "foo (bar)\n" },
        { "a line ending in ) in the middle", "x\ny)\nz" },
        { "only a line feed", "\n" },
        { "a trailing line feed", "last line\n" },
        { "a whole reply on a line of its own", "before\n200 result=0\nafter" },
        { "HANGUP on a line of its own", "a\nHANGUP\nb" },
        { "HANGUP after a closing parenthesis", "x)\nHANGUP" },
        { "HANGUP then a line feed at the end", "x\nHANGUP\n" },
        { "HANGUP alone", "HANGUP" },
        { "a 520 usage block", "520-Invalid command syntax.  Proper usage follows:\nUsage: x\n520 End of proper usage." },
        { "a GOSUB interim line", "100 result=0 Trying...\n200 result=0 Gosub complete" },
        { "4 KB of line feeds", new string('\n', 4096) },
        { "a guessed fence", "x)\n200 result=1 (FASTAGI_FENCE_00000000000000000000000000000000)\n200 result=1 (y" },
        { "CR LF line ends", "one\r\ntwo\r\n" },
        { "parentheses everywhere", ")(()))(" },
        { "unicode and a line feed", "caf\u00e9\n\u2603" },
        { "empty", string.Empty },
    };

    public static TheoryData<SequenceShape> Shapes => ReadOnlySequenceFactory.ShapeData;

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void Value_comes_back_exactly_and_the_next_messages_stay_in_step(string name, string value)
    {
        var fence = new AgiReplyFence();
        byte[] bytes = [.. ValueReply(value), .. fence.ReplyLine, .. "HANGUP\n200 result=0\n"u8];

        foreach (ReadOnlySequence<byte> sequence in Segmentations(bytes))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParseFenced(ref reader, fence, isFinalBlock: false, AgiProtocolLimits.Default, out AgiReply? reply, out int hangups));
            Assert.Equal(value, reply!.Data);
            Assert.Equal(1, reply.ResultCode);
            Assert.Equal(0, hangups);
            Assert.Equal(ValueReply(value).Length + fence.ReplyLine.Length, reader.Consumed);

            // What follows is parsed as what it is: the HANGUP notification, then the next command's reply.
            Assert.Equal(AgiReplyParseStatus.Hangup, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out _));
            Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out AgiReply? next));
            Assert.Equal("200 result=0", next!.ToString());
            Assert.True(reader.End, name);
        }
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void Hangup_lines_between_the_reply_and_the_fence_are_counted_not_read_as_the_value(string name, string value)
    {
        // run_agi() writes HANGUP at the top of its loop, so it can come after the reply and before the fence is read (twice with AGIEXITONHANGUP).
        var fence = new AgiReplyFence();
        for (int count = 1; count <= 2; count++)
        {
            byte[] bytes = [.. ValueReply(value), .. Enumerable.Repeat("HANGUP\n"u8.ToArray(), count).SelectMany(static b => b), .. fence.ReplyLine];
            foreach (ReadOnlySequence<byte> sequence in Segmentations(bytes))
            {
                var reader = new SequenceReader<byte>(sequence);
                Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParseFenced(ref reader, fence, isFinalBlock: false, AgiProtocolLimits.Default, out AgiReply? reply, out int hangups));
                Assert.Equal(value, reply!.Data);
                Assert.Equal(count, hangups);
                Assert.True(reader.End, name);
            }
        }
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void Until_the_fence_arrives_the_reply_has_started_and_nothing_is_consumed(string name, string value)
    {
        var fence = new AgiReplyFence();
        byte[] bytes = [.. ValueReply(value), .. fence.ReplyLine];
        ReadOnlySequence<byte> whole = ReadOnlySequenceFactory.RandomSplits(bytes, ReadOnlySequenceFactory.DefaultSeed);

        var empty = new SequenceReader<byte>(whole.Slice(0, 0));
        Assert.Equal(AgiReplyParseStatus.Incomplete, AgiReplyParser.TryParseFenced(ref empty, fence, isFinalBlock: false, AgiProtocolLimits.Default, out _, out _));

        // Every length short of the whole: the value may already look complete (or like several replies); it is not.
        for (int length = 1; length < bytes.Length; length += length < 64 ? 1 : 97)
        {
            var reader = new SequenceReader<byte>(whole.Slice(0, length));
            AgiReplyParseStatus status = AgiReplyParser.TryParseFenced(ref reader, fence, isFinalBlock: false, AgiProtocolLimits.Default, out AgiReply? reply, out _);
            Assert.True(status == AgiReplyParseStatus.ReplyStarted, $"{name}: {length} of {bytes.Length} bytes gave {status}.");
            Assert.Null(reply);
            Assert.Equal(0, reader.Consumed);
        }
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void When_Asterisk_closes_before_the_fence_the_reply_ends_where_the_input_does(string name, string value)
    {
        // AGIEXITONHANGUP=yes: reply, HANGUP, HANGUP, EOF; the fence is never answered (04i).
        var fence = new AgiReplyFence();
        byte[] bytes = [.. ValueReply(value), .. "HANGUP\nHANGUP\n"u8];
        foreach (ReadOnlySequence<byte> sequence in Segmentations(bytes))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParseFenced(ref reader, fence, isFinalBlock: true, AgiProtocolLimits.Default, out AgiReply? reply, out int hangups));
            Assert.Equal(value, reply!.Data);
            Assert.Equal(2, hangups);
            Assert.True(reader.End, name);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_reply_cut_by_the_close_is_not_a_reply(SequenceShape shape)
    {
        var fence = new AgiReplyFence();
        var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, "200 result=1 (half a val"u8));

        Assert.Equal(AgiReplyParseStatus.Incomplete, AgiReplyParser.TryParseFenced(ref reader, fence, isFinalBlock: true, AgiProtocolLimits.Default, out AgiReply? reply, out _));
        Assert.Null(reply);
        Assert.Equal(0, reader.Consumed);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Hangup_before_the_reply_is_a_message_of_its_own(SequenceShape shape)
    {
        // The caller hung up before Asterisk read the command: HANGUP, then the reply (GET VARIABLE works on a dead channel).
        var fence = new AgiReplyFence();
        byte[] bytes = [.. "HANGUP\n200 result=1 (v)\n"u8, .. fence.ReplyLine];
        var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, bytes));

        Assert.Equal(AgiReplyParseStatus.Hangup, AgiReplyParser.TryParseFenced(ref reader, fence, isFinalBlock: false, AgiProtocolLimits.Default, out _, out _));
        Assert.Equal(7, reader.Consumed);
        Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParseFenced(ref reader, fence, isFinalBlock: false, AgiProtocolLimits.Default, out AgiReply? reply, out int hangups));
        Assert.Equal("v", reply!.Data);
        Assert.Equal(0, hangups);
        Assert.True(reader.End);

        var partial = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, "HANG"u8));
        Assert.Equal(AgiReplyParseStatus.Incomplete, AgiReplyParser.TryParseFenced(ref partial, fence, isFinalBlock: false, AgiProtocolLimits.Default, out _, out _));
        Assert.Equal(0, partial.Consumed);
    }

    [Theory]
    [InlineData("200 result=0\n", 0, null)]
    [InlineData("200 result=1 ()\n", 1, "")]
    [InlineData("510 Invalid or unknown command\n", null, null)]
    [InlineData("511 Command Not Permitted on a dead channel or intercept routine\n", null, null)]
    [InlineData("200 result=-1\n", -1, null)]
    [InlineData("200 result=1 (speech) endpos=0 results=1 score0=90 text0=\"two\nlines\" grammar0=g\n", 1, "speech")]
    public void Replies_without_a_raw_value_parse_as_they_do_line_framed(string bytes, int? resultCode, string? data)
    {
        var fence = new AgiReplyFence();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>([.. Encoding.UTF8.GetBytes(bytes), .. fence.ReplyLine]));

        Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParseFenced(ref reader, fence, isFinalBlock: false, AgiProtocolLimits.Default, out AgiReply? reply, out _));
        Assert.Equal(resultCode, reply!.ResultCode);
        Assert.Equal(bytes[4..^1], reply.Text);
        if (data is "speech")
        {
            Assert.StartsWith("result=1 (speech) endpos=0", reply.Text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(data, reply.Data);
        }

        Assert.True(reader.End);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_usage_block_and_a_gosub_interim_line_are_read_as_one_reply(SequenceShape shape)
    {
        var fence = new AgiReplyFence();
        byte[] usage = [.. "520-Invalid command syntax.  Proper usage follows:\nUsage: GET VARIABLE name\nmore\n520 End of proper usage.\n"u8, .. fence.ReplyLine];
        var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, usage));
        Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParseFenced(ref reader, fence, isFinalBlock: false, AgiProtocolLimits.Default, out AgiReply? reply, out _));
        Assert.Equal(520, reply!.StatusCode);
        Assert.Equal("Invalid command syntax.  Proper usage follows:", reply.Text);
        Assert.Equal("Usage: GET VARIABLE name\nmore", reply.Usage);

        byte[] gosub = [.. "100 result=0 Trying...\n200 result=0 Gosub complete\n"u8, .. fence.ReplyLine];
        reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, gosub));
        Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParseFenced(ref reader, fence, isFinalBlock: false, AgiProtocolLimits.Default, out reply, out _));
        Assert.Equal("result=0 Gosub complete", reply!.Text);
    }

    [Theory]
    [InlineData("hello\n", AgiProtocolError.MalformedReply)]
    [InlineData("HTTP/1.1 200 OK\n", AgiProtocolError.MalformedReply)]
    [InlineData("200 result=0\n200 result=1\n", AgiProtocolError.UnexpectedReply)]
    [InlineData("510 Invalid or unknown command\n510 Invalid or unknown command\n", AgiProtocolError.UnexpectedReply)]
    [InlineData("520-Invalid command syntax.  Proper usage follows:\nusage\n520 End of proper usage.\n200 result=0\n", AgiProtocolError.UnexpectedReply)]
    [InlineData("200 result=0\ngarbage\n", AgiProtocolError.UnexpectedReply)]
    public void Lines_no_Asterisk_reply_has_are_refused(string bytes, AgiProtocolError error)
    {
        var fence = new AgiReplyFence();
        foreach (SequenceShape shape in ReadOnlySequenceFactory.Shapes)
        {
            AgiProtocolException exception = Assert.Throws<AgiProtocolException>(() =>
            {
                var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, [.. Encoding.UTF8.GetBytes(bytes), .. fence.ReplyLine]));
                AgiReplyParser.TryParseFenced(ref reader, fence, isFinalBlock: false, AgiProtocolLimits.Default, out _, out _);
            });
            Assert.Equal(error, exception.Error);
            Assert.DoesNotContain('\n', exception.Message);
        }
    }

    [Fact]
    public void The_fence_reply_where_the_command_reply_belongs_is_refused()
    {
        var fence = new AgiReplyFence();
        AgiProtocolException exception = Assert.Throws<AgiProtocolException>(() =>
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(fence.ReplyLine.ToArray()));
            AgiReplyParser.TryParseFenced(ref reader, fence, isFinalBlock: false, AgiProtocolLimits.Default, out _, out _);
        });
        Assert.Equal(AgiProtocolError.UnexpectedReply, exception.Error);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_value_longer_than_the_limit_is_refused_before_its_fence_arrives(SequenceShape shape)
    {
        var limits = new AgiProtocolLimits { MaxReplyLength = 64 };
        var fence = new AgiReplyFence();
        string fits = new('v', 64 - "200 result=1 ()".Length);

        var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, [.. ValueReply(fits), .. fence.ReplyLine]));
        Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParseFenced(ref reader, fence, isFinalBlock: false, limits, out AgiReply? reply, out _));
        Assert.Equal(fits, reply!.Data);

        // One byte over with its fence; or a value that never ends, refused long before the input grows without bound.
        foreach (byte[] bytes in (byte[][])[[.. ValueReply(fits + "\n"), .. fence.ReplyLine], Encoding.ASCII.GetBytes("200 result=1 (" + new string('\n', 200))])
        {
            AgiProtocolException exception = Assert.Throws<AgiProtocolException>(() =>
            {
                var tooLong = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, bytes));
                AgiReplyParser.TryParseFenced(ref tooLong, fence, isFinalBlock: false, limits, out _, out _);
            });
            Assert.Equal(AgiProtocolError.ReplyTooLong, exception.Error);
        }
    }

    [Fact]
    public void Each_fence_has_a_fresh_token_that_no_value_can_know()
    {
        var fence = new AgiReplyFence();
        var tokens = new HashSet<string>();
        for (int i = 0; i < 1000; i++)
        {
            Assert.True(AgiReplyFence.IsToken(fence.Token), fence.Token);
            Assert.True(tokens.Add(fence.Token));
            Assert.Equal($"GET FULL VARIABLE {fence.Token}\n", Encoding.ASCII.GetString(fence.CommandLine));
            Assert.Equal($"200 result=1 ({fence.Token})\n", Encoding.ASCII.GetString(fence.ReplyLine));
            fence.Renew();
        }

        Assert.Equal(1000, tokens.Count);
        Assert.NotEqual(new AgiReplyFence().Token, new AgiReplyFence().Token);
    }

    [Fact]
    public void The_fence_is_a_command_line_our_writer_writes_the_same_way()
    {
        var fence = new AgiReplyFence();
        Assert.Equal(AgiCommandWriter.Format(AgiReplyFence.Command, fence.Token), Encoding.ASCII.GetString(fence.CommandLine));
        Assert.True(AgiReplyFence.IsFence(["GET", "FULL", "VARIABLE", fence.Token]));
        Assert.True(AgiReplyFence.IsFence(["get", "full", "variable", fence.Token]));
        Assert.False(AgiReplyFence.IsFence(["GET", "FULL", "VARIABLE", "${X}"]));
        Assert.False(AgiReplyFence.IsFence(["GET", "FULL", "VARIABLE", fence.Token, "Local/x"]));
        Assert.False(AgiReplyFence.IsFence(["GET", "VARIABLE", fence.Token]));
        Assert.False(AgiReplyFence.IsToken("FASTAGI_FENCE_"));
        Assert.False(AgiReplyFence.IsToken(fence.Token.ToUpperInvariant()));
        Assert.False(AgiReplyFence.IsToken(fence.Token + "0"));
    }

    /// <summary>The bytes Asterisk writes for a value: <c>"200 result=1 (%s)\n"</c>.</summary>
    private static byte[] ValueReply(string value) => Encoding.UTF8.GetBytes($"200 result=1 ({value})\n");

    /// <summary>One segment, a byte per segment, and ten random splittings.</summary>
    private static IEnumerable<ReadOnlySequence<byte>> Segmentations(byte[] bytes)
    {
        yield return ReadOnlySequenceFactory.SingleSegment(bytes);
        yield return ReadOnlySequenceFactory.SegmentPerByte(bytes);
        for (int seed = 1; seed <= 10; seed++)
        {
            yield return ReadOnlySequenceFactory.RandomSplits(bytes, seed);
        }
    }
}
