using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using FastAgi.Protocol;
using FastAgi.Testing.Replay;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Protocol;

public sealed partial class AgiReplyParserTests
{
    private const string VerboseUsage =
        "Sends <replaceable>message</replaceable> to the console via verbose message system. <replaceable>level</replaceable> is the verbose level (1-4). Always returns <literal>1</literal>";

    private const string StreamFileUsage =
        "Send the given file, allowing playback to be interrupted by the given digits, if any. Returns <literal>0</literal> if playback completes without a digit being pressed, or the ASCII numerical value of the digit if one was pressed, or <literal>-1</literal> on error or if the channel was disconnected. If musiconhold is playing before calling stream file it will be automatically stopped and will not be restarted after completion.\n"
        + "It sets the following channel variables upon completion:\n"
        + "<variable>PLAYBACKSTATUS</variable>: The status of the playback attempt as a text string.\n"
        + "    <value>SUCCESS</value>\n"
        + "    <value>FAILED</value>";

    private const string GetVariableUsage =
        "Returns <literal>0</literal> if <replaceable>variablename</replaceable> is not set. Returns <literal>1</literal> if <replaceable>variablename</replaceable> is set and returns the variable in parentheses.\n"
        + "Example return code: 200 result=1 (testvariable)";

    private const string SyntaxFollows = "Invalid command syntax.  Proper usage follows:";

    private static readonly Dictionary<string, ReplyFixture> Fixtures = new ReplyFixture[]
    {
        new("result=0", "01a-env-basic", "200 result=0\n", 200, "result=0", "0", 0, null, "", null),
        new("result=1 with data", "02c-database", "200 result=1 (value1)\n", 200, "result=1 (value1)", "1", 1, "value1", "", null),
        new("data with spaces", "02c-database", "200 result=1 (value with spaces)\n", 200, "result=1 (value with spaces)", "1", 1, "value with spaces", "", null),
        new("data with parentheses", "02b-set-get-variable-quoting", "200 result=1 (x) (y)\n", 200, "result=1 (x) (y)", "1", 1, "x) (y", "", null),
        new("empty data", "02b-set-get-variable-quoting", "200 result=1 ()\n", 200, "result=1 ()", "1", 1, "", "", null),
        new("utf-8 data", "02b-set-get-variable-quoting", "200 result=1 (caf\u00e9 \u2603)\n", 200, "result=1 (caf\u00e9 \u2603)", "1", 1, "caf\u00e9 \u2603", "", null),
        new("quotes in data", "02l-channel-misc", "200 result=1 (\"\" <12345>)\n", 200, "result=1 (\"\" <12345>)", "1", 1, "\"\" <12345>", "", null),
        new("carriage return in data", "03a-errors-510-520-parsing", "200 result=1 ([value\r])\n", 200, "result=1 ([value\r])", "1", 1, "[value\r]", "", null),
        new("commas in data", "02g-stream-control-getoption", "200 result=1 (USERSTOPPED,9,1420)\n", 200, "result=1 (USERSTOPPED,9,1420)", "1", 1, "USERSTOPPED,9,1420", "", null),
        new("value truncated to 1023 bytes", "02b-set-get-variable-quoting", $"200 result=1 ({new string('v', 1023)})\n", 200, $"result=1 ({new string('v', 1023)})", "1", 1, new string('v', 1023), "", null),
        new("data with a raw line feed", "02b-set-get-variable-quoting", "200 result=1 (line1\nline2)\n", 200, "result=1 (line1\nline2)", "1", 1, "line1\nline2", "", null),
        new("endpos=8000", null, "200 result=0 endpos=8000\n", 200, "result=0 endpos=8000", "0", 0, null, "endpos=8000", 8000),
        new("endpos=3404", "02g-stream-control-getoption", "200 result=0 endpos=3404\n", 200, "result=0 endpos=3404", "0", 0, null, "endpos=3404", 3404),
        new("hangup during playback", "04b-hangup-during-stream-file", "200 result=-1 endpos=12160\n", 200, "result=-1 endpos=12160", "-1", -1, null, "endpos=12160", 12160),
        new("digit during playback", null, "200 result=49 endpos=12160\n", 200, "result=49 endpos=12160", "49", 49, null, "endpos=12160", 12160),
        new("recorded digit during playback", "02g-stream-control-getoption", "200 result=49 endpos=9760\n", 200, "result=49 endpos=9760", "49", 49, null, "endpos=9760", 9760),
        new("control stream end of file", "02g-stream-control-getoption", "200 result=0 endpos=-1\n", 200, "result=0 endpos=-1", "0", 0, null, "endpos=-1", -1),
        new("missing file", "02g-stream-control-getoption", "200 result=-1 endpos=0\n", 200, "result=-1 endpos=0", "-1", -1, null, "endpos=0", 0),
        new("record timeout", "02j-record-file", "200 result=0 (timeout) endpos=16000\n", 200, "result=0 (timeout) endpos=16000", "0", 0, "timeout", "endpos=16000", 16000),
        new("record timeout with ms left", "02j-record-file", "200 result=6981 (timeout) endpos=8160\n", 200, "result=6981 (timeout) endpos=8160", "6981", 6981, "timeout", "endpos=8160", 8160),
        new("record dtmf", "02k-record-file-dtmf", "200 result=42 (dtmf) endpos=0\n", 200, "result=42 (dtmf) endpos=0", "42", 42, "dtmf", "endpos=0", 0),
        new("record writefile", "02j-record-file", "200 result=-1 (writefile)\n", 200, "result=-1 (writefile)", "-1", -1, "writefile", "", null),
        new("receive char hangup", "02l-channel-misc", "200 result=-1 (hangup)\n", 200, "result=-1 (hangup)", "-1", -1, "hangup", "", null),
        new("get data timeout without digits", "02h-waitfordigit-getdata", "200 result= (timeout)\n", 200, "result= (timeout)", "", null, "timeout", "", null),
        new("get data empty", "02h-waitfordigit-getdata", "200 result=\n", 200, "result=", "", null, null, "", null),
        new("get data timeout with digits", null, "200 result=123 (timeout)\n", 200, "result=123 (timeout)", "123", 123, "timeout", "", null),
        new("recorded get data timeout with digits", "02h-waitfordigit-getdata", "200 result=12 (timeout)\n", 200, "result=12 (timeout)", "12", 12, "timeout", "", null),
        new("get data digits", "02h-waitfordigit-getdata", "200 result=123\n", 200, "result=123", "123", 123, null, "", null),
        new("gosub trying", "02f-gosub", "100 result=0 Trying...\n", 100, "result=0 Trying...", "0", 0, null, "Trying...", null),
        new("gosub complete", "02f-gosub", "200 result=0 Gosub complete\n", 200, "result=0 Gosub complete", "0", 0, null, "Gosub complete", null),
        new("gosub abnormal exit", "02f-gosub", "200 result=0 Gosub complete (abnormal exit)\n", 200, "result=0 Gosub complete (abnormal exit)", "0", 0, null, "Gosub complete (abnormal exit)", null),
        new("gosub label not found", "02f-gosub", "200 result=-1 Gosub label not found\n", 200, "result=-1 Gosub label not found", "-1", -1, null, "Gosub label not found", null),
        new("gosub memory allocation failure", null, "503 result=-2 Memory allocation failure\n", 503, "result=-2 Memory allocation failure", "-2", -2, null, "Memory allocation failure", null),
        new("exec unknown application", "02d-exec", "200 result=-2\n", 200, "result=-2", "-2", -2, null, "", null),
        new("unknown command", "03a-errors-510-520-parsing", "510 Invalid or unknown command\n", 510, "Invalid or unknown command", "", null, null, "", null),
        new("dead channel", "04a-hangup-while-idle", "511 Command Not Permitted on a dead channel or intercept routine\n", 511, "Command Not Permitted on a dead channel or intercept routine", "", null, null, "", null),
        new("usage of verbose", "02a-basic-answer-status-noop-verbose", $"520-{SyntaxFollows}\n{VerboseUsage}\n520 End of proper usage.\n", 520, SyntaxFollows, "", null, null, "", null, VerboseUsage),
        new("usage of stream file", "02g-stream-control-getoption", $"520-{SyntaxFollows}\n{StreamFileUsage}\n520 End of proper usage.\n", 520, SyntaxFollows, "", null, null, "", null, StreamFileUsage),
        new("usage quoting a reply", "02b-set-get-variable-quoting", $"520-{SyntaxFollows}\n{GetVariableUsage}\n520 End of proper usage.\n", 520, SyntaxFollows, "", null, null, "", null, GetVariableUsage),
        new("usage not available", "03b-520-single-line-without-xmldocs", "520 Invalid command syntax.  Proper usage not available.\n", 520, "Invalid command syntax.  Proper usage not available.", "", null, null, "", null),
    }.ToDictionary(fixture => fixture.Name);

    public static TheoryData<string> FixtureNames => [.. Fixtures.Keys];

    /// <summary>Every connection of every recording.</summary>
    public static TheoryData<string, int> AllConnections => Recordings.AllConnections;

    public static TheoryData<SequenceShape> Shapes => ReadOnlySequenceFactory.ShapeData;

    [Theory]
    [MemberData(nameof(AllConnections))]
    public void Every_recorded_session_parses_to_its_last_byte_whatever_the_segmentation(string scenario, int connection)
    {
        AgiRecordedConnection recorded = Recordings.Load(scenario).Connections[connection];
        byte[] bytes = recorded.AsteriskBytesAfterEnvironment();
        string[] lines = SplitLines(bytes);

        List<string> expected = ParseAll(ReadOnlySequenceFactory.SingleSegment(bytes));
        Assert.Equal(lines.Count(line => line == "HANGUP"), expected.Count(message => message == "HANGUP"));

        // Replies counted from the lines alone: a line starting with a status code starts a reply, except the last line of a 520 block.
        int statusLines = lines.Count(line => StatusLine().IsMatch(line));
        int blockEnds = lines.Count(line => line == "520 End of proper usage.");
        Assert.Equal(statusLines - blockEnds, expected.Count(message => message != "HANGUP"));

        foreach (SequenceShape shape in ReadOnlySequenceFactory.Shapes)
        {
            Assert.Equal(expected, ParseAll(ReadOnlySequenceFactory.Create(shape, bytes)));
        }

        for (int seed = 1; seed <= 10; seed++)
        {
            Assert.Equal(expected, ParseAll(ReadOnlySequenceFactory.RandomSplits(bytes, seed)));
        }

        // One segment per write() as Asterisk made them, and fed to the parser as a pipe delivers them.
        byte[][] writes = EventsAfterEnvironment(recorded);
        if (writes.Length > 0)
        {
            Assert.Equal(expected, ParseAll(ReadOnlySequenceFactory.CreateSegments(writes)));
        }

        Assert.Equal(expected, FeedIncrementally(writes));
        Assert.Equal(expected, FeedIncrementally([.. bytes.Select(value => new[] { value })]));
    }

    [Theory]
    [InlineData("02a-basic-answer-status-noop-verbose", 0, 0, 1)]
    [InlineData("02a-basic-answer-status-noop-verbose", 1, 15, 0)]
    [InlineData("02b-set-get-variable-quoting", 0, 0, 1)]
    [InlineData("02b-set-get-variable-quoting", 1, 51, 0)]
    [InlineData("02c-database", 0, 0, 1)]
    [InlineData("02c-database", 1, 20, 0)]
    [InlineData("02d-exec", 0, 0, 1)]
    [InlineData("02d-exec", 1, 18, 0)]
    [InlineData("02e-exec-agiexecfull", 0, 0, 1)]
    [InlineData("02e-exec-agiexecfull", 1, 2, 0)]
    [InlineData("02f-gosub", 0, 0, 1)]
    [InlineData("02f-gosub", 1, 21, 1)]
    [InlineData("02g-stream-control-getoption", 0, 6, 1)]
    [InlineData("02g-stream-control-getoption", 1, 20, 0)]
    [InlineData("02h-waitfordigit-getdata", 0, 7, 1)]
    [InlineData("02h-waitfordigit-getdata", 1, 15, 0)]
    [InlineData("02i-say", 0, 1, 1)]
    [InlineData("02i-say", 1, 21, 0)]
    [InlineData("02j-record-file", 0, 2, 1)]
    [InlineData("02j-record-file", 1, 9, 0)]
    [InlineData("02k-record-file-dtmf", 0, 3, 1)]
    [InlineData("02k-record-file-dtmf", 1, 2, 0)]
    [InlineData("02l-channel-misc", 0, 2, 1)]
    [InlineData("02l-channel-misc", 1, 40, 0)]
    [InlineData("02m-set-context-extension-priority", 0, 0, 1)]
    [InlineData("02m-set-context-extension-priority", 1, 6, 0)]
    [InlineData("02n-interrupt-by-new-command", 0, 27, 0)]
    [InlineData("03a-errors-510-520-parsing", 0, 0, 1)]
    [InlineData("03a-errors-510-520-parsing", 1, 54, 0)]
    [InlineData("03b-520-single-line-without-xmldocs", 0, 3, 0)]
    [InlineData("04a-hangup-while-idle", 0, 0, 0)]
    [InlineData("04a-hangup-while-idle", 1, 15, 2)]
    [InlineData("04b-hangup-during-stream-file", 1, 2, 2)]
    [InlineData("04c-hangup-during-wait-for-digit", 1, 1, 1)]
    [InlineData("04d-hangup-during-get-data", 1, 1, 1)]
    [InlineData("04e-hangup-command", 0, 0, 1)]
    [InlineData("04e-hangup-command", 1, 5, 2)]
    [InlineData("04f-hangup-other-channel", 1, 2, 0)]
    [InlineData("04g-channel-request-hangup-cli", 1, 2, 2)]
    [InlineData("04h-set-autohangup", 0, 2, 1)]
    [InlineData("04h-set-autohangup", 1, 2, 1)]
    [InlineData("04i-agiexitonhangup", 1, 1, 2)]
    [InlineData("04i-agiexitonhangup", 3, 1, 2)]
    [InlineData("04j-agisighup-no", 1, 3, 0)]
    [InlineData("04k-exec-hangup", 0, 3, 1)]
    public void Recorded_sessions_give_the_replies_and_hangups_counted_in_their_transcripts(string scenario, int connection, int replies, int hangups)
    {
        byte[] bytes = Recordings.Load(scenario).Connections[connection].AsteriskBytesAfterEnvironment();

        List<string> messages = ParseAll(ReadOnlySequenceFactory.SingleSegment(bytes));

        Assert.Equal(replies, messages.Count(message => message != "HANGUP"));
        Assert.Equal(hangups, messages.Count(message => message == "HANGUP"));
    }

    [Theory]
    [MemberData(nameof(AllConnections))]
    public void Every_strict_prefix_of_every_recorded_message_is_incomplete_and_consumes_nothing(string scenario, int connection)
    {
        byte[] bytes = Recordings.Load(scenario).Connections[connection].AsteriskBytesAfterEnvironment();

        foreach (byte[] message in SplitMessages(bytes))
        {
            AssertEveryStrictPrefixIsIncomplete(message);
        }
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Fixture_comes_verbatim_from_its_recording(string name)
    {
        ReplyFixture fixture = Fixtures[name];
        if (fixture.Scenario is null)
        {
            return;
        }

        Assert.Contains(
            Recordings.Load(fixture.Scenario).Connections,
            connection => connection.AsteriskBytesAfterEnvironment().AsSpan().IndexOf(fixture.Bytes) >= 0);
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Fixture_parses_to_the_expected_reply_in_every_shape(string name)
    {
        ReplyFixture fixture = Fixtures[name];

        foreach (SequenceShape shape in ReadOnlySequenceFactory.Shapes)
        {
            var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, fixture.Bytes));
            Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out AgiReply? reply));
            Assert.True(reader.End, $"{shape}");
            Assert.NotNull(reply);

            Assert.Equal(fixture.StatusCode, reply.StatusCode);
            Assert.Equal(fixture.Text, reply.Text);
            Assert.Equal(fixture.Result, reply.Result);
            Assert.Equal(fixture.ResultCode, reply.ResultCode);
            Assert.Equal(fixture.Text.StartsWith("result=", StringComparison.Ordinal), reply.HasResult);
            Assert.Equal(fixture.Data, reply.Data);
            Assert.Equal(fixture.Extra, reply.Extra);
            Assert.Equal(fixture.EndPosition, reply.EndPosition);
            Assert.Equal(fixture.Usage, reply.Usage);
            Assert.Equal(fixture.StatusCode == 200, reply.IsSuccess);
        }
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Every_strict_prefix_of_a_fixture_is_incomplete_and_consumes_nothing(string name) =>
        AssertEveryStrictPrefixIsIncomplete(Fixtures[name].Bytes);

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Fixture_followed_by_more_messages_consumes_only_its_own_bytes(string name)
    {
        ReplyFixture fixture = Fixtures[name];
        byte[] bytes = [.. fixture.Bytes, .. "HANGUP\n200 result=0\n200 "u8];

        foreach (SequenceShape shape in ReadOnlySequenceFactory.Shapes)
        {
            var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, bytes));
            Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out AgiReply? reply));
            Assert.Equal(fixture.Bytes.Length, reader.Consumed);
            Assert.Equal(fixture.Text, reply!.Text);

            Assert.Equal(AgiReplyParseStatus.Hangup, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out reply));
            Assert.Null(reply);
            Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out reply));
            Assert.Equal("200 result=0", reply!.ToString());

            long consumed = reader.Consumed;
            Assert.Equal(AgiReplyParseStatus.Incomplete, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out reply));
            Assert.Null(reply);
            Assert.Equal(consumed, reader.Consumed);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Hangup_line_right_after_a_reply_in_the_same_buffer_is_a_separate_message(SequenceShape shape)
    {
        // 04b: the reply to STREAM FILE, then ~40 ms later the HANGUP notification; read together they share one buffer.
        byte[] bytes = Recordings.Load("04b-hangup-during-stream-file").Main.AsteriskBytesAfterEnvironment();
        Assert.StartsWith("200 result=-1 endpos=12160\nHANGUP\n", Encoding.ASCII.GetString(bytes), StringComparison.Ordinal);
        var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, bytes));

        Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out AgiReply? reply));
        Assert.Equal(-1, reply!.ResultCode);
        Assert.Equal(12160, reply.EndPosition);
        Assert.Equal(AgiReplyParseStatus.Hangup, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out reply));
        Assert.Null(reply);
        Assert.Equal(27 + 7, reader.Consumed);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Hangup_alone_and_hangups_back_to_back(SequenceShape shape)
    {
        // 04i with AGIEXITONHANGUP: two HANGUP lines, then Asterisk closes.
        var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, "HANGUP\nHANGUP\nHANGUP"u8));

        Assert.Equal(AgiReplyParseStatus.Hangup, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out AgiReply? reply));
        Assert.Null(reply);
        Assert.Equal(7, reader.Consumed);
        Assert.Equal(AgiReplyParseStatus.Hangup, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out _));
        Assert.Equal(14, reader.Consumed);

        // The third has no line feed yet.
        Assert.Equal(AgiReplyParseStatus.Incomplete, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out _));
        Assert.Equal(14, reader.Consumed);
    }

    [Fact]
    public void Gosub_interim_line_is_a_reply_of_its_own_before_the_final_line_arrives()
    {
        // 02f: "100 result=0 Trying..." is written ~40 ms (or seconds) before "200 result=0 Gosub complete".
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>("100 result=0 Trying...\n200 result=0 Gos"u8.ToArray()));

        Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out AgiReply? reply));
        Assert.Equal(100, reply!.StatusCode);
        Assert.False(reply.IsSuccess);
        Assert.Equal(AgiReplyParseStatus.Incomplete, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out _));
        Assert.Equal(23, reader.Consumed);
    }

    [Fact]
    public void Usage_block_arriving_write_by_write_is_incomplete_until_its_last_line()
    {
        // 02g: the first line, each usage line and the final line are separate writes, the first two ~40 ms apart.
        AgiRecordedConnection recorded = Recordings.Load("02g-stream-control-getoption").Main;
        byte[][] writes = EventsAfterEnvironment(recorded);
        int first = Array.FindIndex(writes, write => write.AsSpan().StartsWith("520-"u8));
        int last = Array.FindIndex(writes, first, write => write.AsSpan().SequenceEqual("520 End of proper usage.\n"u8));
        Assert.Equal(7, last - first + 1);

        var pending = new List<byte>();
        for (int i = first; i <= last; i++)
        {
            pending.AddRange(writes[i]);
            foreach (SequenceShape shape in ReadOnlySequenceFactory.Shapes)
            {
                var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, pending.ToArray()));
                AgiReplyParseStatus status = AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out AgiReply? reply);
                if (i < last)
                {
                    Assert.Equal(AgiReplyParseStatus.Incomplete, status);
                    Assert.Equal(0, reader.Consumed);
                }
                else
                {
                    Assert.Equal(AgiReplyParseStatus.Reply, status);
                    Assert.Equal(520, reply!.StatusCode);
                    Assert.Equal(StreamFileUsage, reply.Usage);
                    Assert.True(reader.End);
                }
            }
        }
    }

    [Fact]
    public void Data_with_a_raw_line_feed_arriving_write_by_write_is_one_reply()
    {
        // 02b: GET FULL VARIABLE ${BASE64_DECODE(bGluZTEKbGluZTI=)} answered in two writes.
        AgiRecordedConnection recorded = Recordings.Load("02b-set-get-variable-quoting").Main;
        byte[][] writes = EventsAfterEnvironment(recorded);
        int first = Array.FindIndex(writes, write => write.AsSpan().SequenceEqual("200 result=1 (line1\n"u8));
        Assert.Equal("line2)\n"u8.ToArray(), writes[first + 1]);

        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(writes[first]));
        Assert.Equal(AgiReplyParseStatus.Incomplete, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out _));
        Assert.Equal(0, reader.Consumed);

        reader = new SequenceReader<byte>(ReadOnlySequenceFactory.CreateSegments(writes[first], writes[first + 1], writes[first + 2]));
        Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out AgiReply? reply));
        Assert.Equal("line1\nline2", reply!.Data);

        // The next reply (NOOP after-newline-value) is not swallowed.
        Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out reply));
        Assert.Equal("200 result=0", reply!.ToString());
    }

    [Fact]
    public void Empty_input_is_incomplete()
    {
        var reader = new SequenceReader<byte>(ReadOnlySequence<byte>.Empty);

        Assert.Equal(AgiReplyParseStatus.Incomplete, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out AgiReply? reply));
        Assert.Null(reply);
    }

    [Fact]
    public void Null_limits_are_refused()
    {
        ArgumentNullException exception = Assert.Throws<ArgumentNullException>(() =>
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>("200 result=0\n"u8.ToArray()));
            AgiReplyParser.TryParse(ref reader, null!, out _);
        });
        Assert.Equal("limits", exception.ParamName);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Reply_longer_than_the_limit_is_refused_with_or_without_its_line_feed(SequenceShape shape)
    {
        var limits = new AgiProtocolLimits { MaxReplyLength = 16 };

        // 16 bytes before the line feed: accepted, and a partial line of 16 bytes may still end.
        Assert.Equal("12345", ParseOne(shape, "200 result=12345\n", limits).Result);
        Assert.Equal(AgiReplyParseStatus.Incomplete, TryParse(shape, "200 result=12345", limits, out _));

        AssertProtocolError(AgiProtocolError.ReplyTooLong, shape, "200 result=123456\n", limits);
        AssertProtocolError(AgiProtocolError.ReplyTooLong, shape, "200 result=123456", limits);
    }

    [Fact]
    public void Default_limit_refuses_an_endless_line_without_a_line_feed()
    {
        byte[] bytes = Encoding.ASCII.GetBytes("200 result=1 (" + new string('x', AgiProtocolLimits.Default.MaxReplyLength));

        AssertProtocolError(AgiProtocolError.ReplyTooLong, SequenceShape.SingleSegment, bytes, AgiProtocolLimits.Default);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Usage_block_longer_than_the_limit_is_refused_complete_or_not(SequenceShape shape)
    {
        var limits = new AgiProtocolLimits { MaxReplyLength = 128 };
        string usageLine = new string('u', 40) + "\n";
        string head = $"520-{SyntaxFollows}\n";

        Assert.Equal(usageLine.TrimEnd('\n'), ParseOne(shape, head + usageLine + "520 End of proper usage.\n", limits).Usage);
        AssertProtocolError(AgiProtocolError.ReplyTooLong, shape, head + usageLine + usageLine + "520 End of proper usage.\n", limits);
        AssertProtocolError(AgiProtocolError.ReplyTooLong, shape, head + usageLine + usageLine, limits);
        AssertProtocolError(AgiProtocolError.ReplyTooLong, shape, head + usageLine + usageLine[..^1], limits);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Data_split_by_line_feeds_longer_than_the_limit_is_refused_complete_or_not(SequenceShape shape)
    {
        var limits = new AgiProtocolLimits { MaxReplyLength = 64 };
        string line = new string('d', 20) + "\n";

        Assert.Equal("a\n" + line.TrimEnd('\n'), ParseOne(shape, "200 result=1 (a\n" + line[..^1] + ")\n", limits).Data);
        AssertProtocolError(AgiProtocolError.ReplyTooLong, shape, "200 result=1 (a\n" + line + line + line + ")\n", limits);
        AssertProtocolError(AgiProtocolError.ReplyTooLong, shape, "200 result=1 (a\n" + line + line + line[..^1], limits);
    }

    [Theory]
    [InlineData("garbage\n")]
    [InlineData("hello world\n")]
    [InlineData("\n")]
    [InlineData("2\n")]
    [InlineData("20\n")]
    [InlineData("2000 result=0\n")]
    [InlineData("200result=0\n")]
    [InlineData("200_result=0\n")]
    [InlineData("20x result=0\n")]
    [InlineData("-20 result=0\n")]
    [InlineData(" 200 result=0\n")]
    [InlineData("abc result=0\n")]
    [InlineData("hangup\n")]
    [InlineData("HANGU\n")]
    [InlineData("HANGUP \n")]
    [InlineData("HANGUPHANGUP\n")]
    [InlineData("agi_network: yes\n")]
    [InlineData("\0\n")]
    public void Line_without_a_status_code_is_malformed(string text)
    {
        foreach (SequenceShape shape in ReadOnlySequenceFactory.Shapes)
        {
            AssertProtocolError(AgiProtocolError.MalformedReply, shape, text, AgiProtocolLimits.Default);
        }
    }

    [Theory]
    [InlineData("999 foo\n", AgiProtocolError.MalformedReply)]
    [InlineData("300 result=0\n", AgiProtocolError.MalformedReply)]
    [InlineData("200 result=xyz\n", AgiProtocolError.MalformedReply)]
    [InlineData("200 result=1x (y)\n", AgiProtocolError.MalformedReply)]
    [InlineData("200 result=--1\n", AgiProtocolError.MalformedReply)]
    [InlineData("200 result=0\r\n", AgiProtocolError.MalformedReply)]
    [InlineData("510 Invalid or unknown command\r\n", AgiProtocolError.MalformedReply)]
    [InlineData("200 result=0 endpos=8000\u0001\n", AgiProtocolError.MalformedReply)]
    [InlineData("200 result=0\u001b[2J\n", AgiProtocolError.MalformedReply)]
    [InlineData("200 result=0\0\n", AgiProtocolError.NulByte)]
    [InlineData("200 result=1 (a\0b)\n", AgiProtocolError.NulByte)]
    [InlineData("520-Invalid command syntax.  Proper usage follows:\nus\0age\n520 End of proper usage.\n", AgiProtocolError.NulByte)]
    public void Replies_Asterisk_never_writes_are_refused(string text, AgiProtocolError error)
    {
        foreach (SequenceShape shape in ReadOnlySequenceFactory.Shapes)
        {
            AssertProtocolError(error, shape, text, AgiProtocolLimits.Default);
        }
    }

    [Theory]
    [InlineData("200 result=\n", "")]
    [InlineData("200 result=*12#\n", "*12#")]
    [InlineData("200 result=A1 (timeout)\n", "A1")]
    [InlineData("200 result=-1 endpos=0\n", "-1")]
    [InlineData("200 result=1 (tab\there, CR\r, ESC\u001b)\n", "1")]
    [InlineData("200 result=1 (speech) endpos=0 results=1 score0=9 text0=\"a\u0001b\" grammar0=g\n", "1")]
    public void Replies_that_only_look_odd_are_accepted(string text, string result)
    {
        foreach (SequenceShape shape in ReadOnlySequenceFactory.Shapes)
        {
            Assert.Equal(result, ParseOne(shape, text, AgiProtocolLimits.Default).Result);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Garbage_after_a_good_reply_is_refused_only_when_reached(SequenceShape shape)
    {
        byte[] bytes = "200 result=0\nHTTP/1.1 400 Bad Request\n"u8.ToArray();
        var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, bytes));
        Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out _));
        Assert.Equal(13, reader.Consumed);

        AgiProtocolException exception = Assert.Throws<AgiProtocolException>(() =>
        {
            var second = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, bytes).Slice(13));
            AgiReplyParser.TryParse(ref second, AgiProtocolLimits.Default, out _);
        });
        Assert.Equal(AgiProtocolError.MalformedReply, exception.Error);
        Assert.Contains("HTTP/1.1 400", exception.Message, StringComparison.Ordinal);
    }

    private static void AssertEveryStrictPrefixIsIncomplete(byte[] message)
    {
        foreach (SequenceShape shape in ReadOnlySequenceFactory.Shapes)
        {
            ReadOnlySequence<byte> whole = ReadOnlySequenceFactory.Create(shape, message);
            for (int length = 0; length < message.Length; length++)
            {
                var reader = new SequenceReader<byte>(whole.Slice(0, length));
                AgiReplyParseStatus status = AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out AgiReply? reply);

                Assert.True(status == AgiReplyParseStatus.Incomplete, $"{shape}, prefix of {length} bytes of '{Encoding.UTF8.GetString(message)}' gave {status}.");
                Assert.Null(reply);
                Assert.Equal(0, reader.Consumed);
            }

            var full = new SequenceReader<byte>(whole);
            Assert.NotEqual(AgiReplyParseStatus.Incomplete, AgiReplyParser.TryParse(ref full, AgiProtocolLimits.Default, out _));
            Assert.True(full.End);
        }
    }

    private static AgiReply ParseOne(SequenceShape shape, string text, AgiProtocolLimits limits)
    {
        Assert.Equal(AgiReplyParseStatus.Reply, TryParse(shape, text, limits, out AgiReply? reply));
        return reply!;
    }

    private static AgiReplyParseStatus TryParse(SequenceShape shape, string text, AgiProtocolLimits limits, out AgiReply? reply)
    {
        var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, Encoding.UTF8.GetBytes(text)));
        return AgiReplyParser.TryParse(ref reader, limits, out reply);
    }

    private static void AssertProtocolError(AgiProtocolError error, SequenceShape shape, string text, AgiProtocolLimits limits) =>
        AssertProtocolError(error, shape, Encoding.UTF8.GetBytes(text), limits);

    private static void AssertProtocolError(AgiProtocolError error, SequenceShape shape, byte[] bytes, AgiProtocolLimits limits)
    {
        AgiProtocolException exception = Assert.Throws<AgiProtocolException>(() =>
        {
            var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, bytes));
            AgiReplyParser.TryParse(ref reader, limits, out _);
        });
        Assert.Equal(error, exception.Error);
    }

    // Parses messages until the input runs out; each message is described as "HANGUP" or "<reply>|<usage>".
    private static List<string> ParseAll(ReadOnlySequence<byte> sequence)
    {
        var messages = new List<string>();
        var reader = new SequenceReader<byte>(sequence);
        while (true)
        {
            AgiReplyParseStatus status = AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out AgiReply? reply);
            if (status == AgiReplyParseStatus.Incomplete)
            {
                break;
            }

            messages.Add(Describe(status, reply));
        }

        Assert.True(reader.End, $"{reader.Remaining} bytes were left unparsed.");
        return messages;
    }

    // Feeds the chunks one by one as a pipe would: parse what is complete, keep the rest for the next read.
    private static List<string> FeedIncrementally(IEnumerable<byte[]> chunks)
    {
        var messages = new List<string>();
        var pending = new List<byte>();
        foreach (byte[] chunk in chunks)
        {
            pending.AddRange(chunk);
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(pending.ToArray()));
            while (true)
            {
                AgiReplyParseStatus status = AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out AgiReply? reply);
                if (status == AgiReplyParseStatus.Incomplete)
                {
                    break;
                }

                messages.Add(Describe(status, reply));
            }

            pending.RemoveRange(0, (int)reader.Consumed);
        }

        Assert.Empty(pending);
        return messages;
    }

    private static List<byte[]> SplitMessages(byte[] bytes)
    {
        var messages = new List<byte[]>();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        long start = 0;
        while (AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out _) != AgiReplyParseStatus.Incomplete)
        {
            messages.Add(bytes[(int)start..(int)reader.Consumed]);
            start = reader.Consumed;
        }

        Assert.True(reader.End);
        return messages;
    }

    private static string Describe(AgiReplyParseStatus status, AgiReply? reply) => status switch
    {
        AgiReplyParseStatus.Hangup => "HANGUP",
        AgiReplyParseStatus.Reply => $"{reply}|{reply!.Usage}",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static string[] SplitLines(byte[] bytes)
    {
        string text = Encoding.Latin1.GetString(bytes);
        Assert.True(text.Length == 0 || text.EndsWith('\n'), "Asterisk ends every line with LF.");
        return text.Length == 0 ? [] : text[..^1].Split('\n');
    }

    private static byte[][] EventsAfterEnvironment(AgiRecordedConnection connection) =>
    [
        .. connection.Events
            .Where(e => e.Kind == AgiRecordedEventKind.AsteriskToServer)
            .SkipWhile(e => e.GetBytes() is not [(byte)'\n'])
            .Skip(1)
            .Select(e => e.GetBytes()),
    ];

    [GeneratedRegex("^[0-9]{3}[ -]")]
    private static partial Regex StatusLine();

    private sealed record ReplyFixture(
        string Name,
        string? Scenario,
        string Wire,
        int StatusCode,
        string Text,
        string Result,
        long? ResultCode,
        string? Data,
        string Extra,
        long? EndPosition,
        string? Usage = null)
    {
        public byte[] Bytes { get; } = Encoding.UTF8.GetBytes(Wire);
    }
}
