using System.Buffers;
using System.Text;
using FastAgi.Protocol;
using FastAgi.Testing.Replay;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Protocol;

public sealed class AgiRequestParserTests
{
    private static readonly string[] EnvironmentScenarios =
    [
        "01a-env-basic", "01b-env-args-quoting", "01c-env-25-args", "01d-env-url-variants", "01e-env-unanswered", "01f-env-130-args",
    ];

    /// <summary>Every connection of every recording: each one starts with an environment block.</summary>
    public static TheoryData<string, int> AllConnections => Recordings.AllConnections;

    /// <summary>The connections with role <c>main</c> of the environment scenarios 01a–01f.</summary>
    public static TheoryData<string, int> EnvironmentScenarioConnections
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (string scenario in EnvironmentScenarios)
            {
                AgiRecording recording = Recordings.Load(scenario);
                for (int i = 0; i < recording.Connections.Count; i++)
                {
                    if (recording.Connections[i].Role == "main")
                    {
                        data.Add(scenario, i);
                    }
                }
            }

            return data;
        }
    }

    public static TheoryData<SequenceShape> Shapes => ReadOnlySequenceFactory.ShapeData;

    [Theory]
    [MemberData(nameof(AllConnections))]
    public void Every_recorded_environment_block_parses_to_its_lines_in_every_shape(string scenario, int connection)
    {
        AgiRecordedConnection recorded = Recordings.Load(scenario).Connections[connection];
        byte[] block = recorded.EnvironmentBlock();
        byte[] stream = [.. block, .. recorded.AsteriskBytesAfterEnvironment()];

        foreach (SequenceShape shape in ReadOnlySequenceFactory.Shapes)
        {
            var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, stream));
            Assert.True(new AgiRequestParser().TryParse(ref reader, out AgiRequest? request), $"{shape}");

            // The parser stops at the blank line: what follows belongs to the reply parser.
            Assert.Equal(block.Length, reader.Consumed);

            // The pairs, written back as "name: value\n", give the block byte for byte: nothing trimmed, split or lost.
            string rebuilt = string.Concat(request.Variables.Select(variable => $"{variable.Key}: {variable.Value}\n")) + "\n";
            Assert.Equal(block, Encoding.UTF8.GetBytes(rebuilt));

            Assert.Equal("yes", request["agi_network"]);
            Assert.Equal("22.10.1", request.AsteriskVersion);
            Assert.Equal("0.0", request["agi_enhanced"]);
            Assert.StartsWith("Local/", request.Channel, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(request.UniqueId));
            Assert.Equal(recorded.Script == "(none)" ? string.Empty : recorded.Script, request.ScriptPath);
            Assert.Equal(request.Variables.Count(variable => variable.Key.StartsWith("agi_arg_", StringComparison.Ordinal)), request.Arguments.Count);
        }
    }

    // Every prefix of every block of 01a–01f; the other connections are fed byte by byte to one parser below.
    [Theory]
    [MemberData(nameof(EnvironmentScenarioConnections))]
    public void Every_strict_prefix_of_a_recorded_block_is_incomplete_and_consumes_only_complete_lines(string scenario, int connection)
    {
        byte[] block = Recordings.Load(scenario).Connections[connection].EnvironmentBlock();

        foreach (SequenceShape shape in ReadOnlySequenceFactory.Shapes)
        {
            ReadOnlySequence<byte> whole = ReadOnlySequenceFactory.Create(shape, block);
            for (int length = 0; length < block.Length; length++)
            {
                // The parser keeps the lines it has read, so each prefix needs a parser of its own.
                var reader = new SequenceReader<byte>(whole.Slice(0, length));
                bool complete = new AgiRequestParser().TryParse(ref reader, out AgiRequest? request);

                Assert.False(complete, $"{shape}, prefix of {length} bytes");
                Assert.Null(request);
                Assert.Equal(block.AsSpan(0, length).LastIndexOf((byte)'\n') + 1, reader.Consumed);
            }

            var full = new SequenceReader<byte>(whole);
            Assert.True(new AgiRequestParser().TryParse(ref full, out _));
        }
    }

    [Theory]
    [MemberData(nameof(AllConnections))]
    public void A_recorded_block_parses_the_same_when_fed_write_by_write_or_byte_by_byte_to_one_parser(string scenario, int connection)
    {
        AgiRecordedConnection recorded = Recordings.Load(scenario).Connections[connection];
        byte[] block = recorded.EnvironmentBlock();
        AgiRequest whole = AgiRequestParser.Parse(new ReadOnlySequence<byte>(block));

        // Asterisk writes each line with its own write(): feed them as they were recorded, then one byte at a time.
        int[] writes = [.. recorded.Events.Where(e => e.Kind == AgiRecordedEventKind.AsteriskToServer).Select(e => e.GetBytes().Length)];
        AgiRequest byWrite = FeedIncrementally(block, writes);
        AgiRequest byByte = FeedIncrementally(block, Enumerable.Repeat(1, block.Length));

        Assert.Equal(whole.Variables, byWrite.Variables);
        Assert.Equal(whole.Variables, byByte.Variables);
    }

    [Theory]
    [MemberData(nameof(EnvironmentScenarioConnections))]
    public void Environment_scenarios_keep_the_order_and_the_names_Asterisk_sends(string scenario, int connection)
    {
        AgiRequest request = ParseRecorded(scenario, connection);

        string[] expected =
        [
            "agi_network", "agi_network_script", "agi_request", "agi_channel", "agi_language", "agi_type", "agi_uniqueid", "agi_version",
            "agi_callerid", "agi_calleridname", "agi_callingpres", "agi_callingani2", "agi_callington", "agi_callingtns", "agi_dnid",
            "agi_rdnis", "agi_context", "agi_extension", "agi_priority", "agi_enhanced", "agi_accountcode", "agi_threadid",
        ];
        string[] fixedNames = [.. request.Variables.Select(v => v.Key).Where(k => !k.StartsWith("agi_arg_", StringComparison.Ordinal))];
        Assert.Equal(request.NetworkScript is null ? expected.Where(name => name != "agi_network_script") : expected, fixedNames);

        string[] argumentNames = [.. request.Variables.Select(v => v.Key).Where(k => k.StartsWith("agi_arg_", StringComparison.Ordinal))];
        Assert.Equal(Enumerable.Range(1, argumentNames.Length).Select(n => $"agi_arg_{n}"), argumentNames);
    }

    [Fact]
    public void Basic_call_01a_gives_every_value_exactly()
    {
        AgiRequest request = ParseRecorded("01a-env-basic", 0);

        Assert.Equal(24, request.Variables.Count);
        Assert.Equal("yes", request["agi_network"]);
        Assert.Equal("golden?mode=x&y=2", request.NetworkScript);
        Assert.Equal("golden", request.ScriptPath);
        Assert.Equal("mode=x&y=2", request.RawQuery);
        Assert.Equal([new("mode", "x"), new("y", "2")], request.Query);
        Assert.Equal("agi://127.0.0.1:4573/golden?mode=x&y=2", request.RequestUrl);
        Assert.Equal("Local/100@agi-test-00000006;2", request.Channel);
        Assert.Equal("en", request.Language);
        Assert.Equal("Local", request.ChannelType);
        Assert.Equal("1795700025.13", request.UniqueId);
        Assert.Equal("22.10.1", request.AsteriskVersion);
        Assert.Equal("unknown", request.CallerId);
        Assert.Equal("unknown", request.CallerIdName);
        Assert.Equal("67", request["agi_callingpres"]);
        Assert.Equal("0", request["agi_callingani2"]);
        Assert.Equal("0", request["agi_callington"]);
        Assert.Equal("0", request["agi_callingtns"]);
        Assert.Equal("unknown", request.Dnid);
        Assert.Equal("unknown", request.Rdnis);
        Assert.Equal("agi-test", request.Context);
        Assert.Equal("100", request.Extension);
        Assert.Equal("2", request.Priority);
        Assert.Equal("0.0", request["agi_enhanced"]);

        // "agi_accountcode: \n": the separator is there, the value is empty (not null, not a space).
        Assert.Equal(string.Empty, request.AccountCode);
        Assert.Equal("140321317803712", request["agi_threadid"]);
        Assert.Equal(["first arg", "second"], request.Arguments);
        Assert.Null(request["agi_no_such_variable"]);
        Assert.Null(request["AGI_CHANNEL"]);
    }

    [Fact]
    public void Quoting_call_01b_keeps_arguments_verbatim_and_decodes_the_query()
    {
        AgiRequest request = ParseRecorded("01b-env-args-quoting", 0);

        Assert.Equal(
            [
                "first arg", "second", "quoted, with comma", "it's", "back\\slash", string.Empty, "  leading and trailing  ", "abc",
                "semi;colon", "pipe|bar", "f(a,b)", "[c,d]", "x", "y", "e=f&g", "cafu00e9 \u00e9", "last",
            ],
            request.Arguments);
        Assert.Equal("5551234", request.CallerId);
        Assert.Equal("Alice Example", request.CallerIdName);
        Assert.Equal("0", request["agi_callingpres"]);
        Assert.Equal("acct42", request.AccountCode);
        Assert.Equal("6", request.Priority);
        Assert.Equal("envargs", request.ScriptPath);
        Assert.Equal("envargs?mode=x&y=2&sp=a%20b&utf=caf%C3%A9&empty=&flag", request.NetworkScript);
        Assert.Equal("mode=x&y=2&sp=a%20b&utf=caf%C3%A9&empty=&flag", request.RawQuery);
        Assert.Equal(
            [new("mode", "x"), new("y", "2"), new("sp", "a b"), new("utf", "caf\u00e9"), new("empty", string.Empty), new("flag", string.Empty)],
            request.Query);
    }

    [Fact]
    public void Twenty_five_arguments_01c_arrive_in_order()
    {
        AgiRequest request = ParseRecorded("01c-env-25-args", 0);

        Assert.Equal(Enumerable.Range(1, 25).Select(n => $"a{n}"), request.Arguments);
        Assert.Equal("envmany", request.ScriptPath);
        Assert.Null(request.RawQuery);
        Assert.Empty(request.Query);
    }

    [Fact]
    public void Url_without_a_path_01d_sends_no_agi_network_script_line()
    {
        // agi://127.0.0.1 and agi://127.0.0.1:4573/: launch_netscript() writes agi_network_script only for a non-empty script.
        foreach ((int connection, string url) in new[] { (0, "agi://127.0.0.1"), (1, "agi://127.0.0.1:4573/") })
        {
            AgiRequest request = ParseRecorded("01d-env-url-variants", connection);

            Assert.Null(request["agi_network_script"]);
            Assert.Null(request.NetworkScript);
            Assert.Equal(string.Empty, request.ScriptPath);
            Assert.Null(request.RawQuery);
            Assert.Empty(request.Query);
            Assert.Equal(url, request.RequestUrl);
            Assert.Empty(request.Arguments);
            Assert.Equal(21, request.Variables.Count);
        }
    }

    [Theory]
    [InlineData("agi://127.0.0.1")]
    [InlineData("agi://127.0.0.1:4573")]
    [InlineData("agi://127.0.0.1:4573/")]
    [InlineData("hagi://example.com")]
    public void Url_without_a_script_gives_an_empty_script_path(string url)
    {
        // The same block as 01d's first connection, with agi_request changed.
        string block = Encoding.UTF8.GetString(Recordings.Load("01d-env-url-variants").Connections[0].EnvironmentBlock())
            .Replace("agi_request: agi://127.0.0.1\n", $"agi_request: {url}\n", StringComparison.Ordinal);

        AgiRequest request = ParseWhole(SequenceShape.RandomSplits, block);

        Assert.Equal(url, request.RequestUrl);
        Assert.Null(request.NetworkScript);
        Assert.Equal(string.Empty, request.ScriptPath);
        Assert.Null(request.RawQuery);
        Assert.Same(AgiQueryString.Empty, request.Query);
    }

    [Fact]
    public void Hagi_url_with_a_port_01d_reads_like_agi()
    {
        AgiRequest request = ParseRecorded("01d-env-url-variants", 2);

        Assert.Equal("hagi://127.0.0.1:4573/envhagi?x=1", request.RequestUrl);
        Assert.Equal("envhagi", request.ScriptPath);
        Assert.Equal("1", request.Query["x"]);
        Assert.Empty(request.Arguments);
    }

    [Fact]
    public void Deep_path_with_a_space_in_the_query_and_a_fragment_01d()
    {
        AgiRequest request = ParseRecorded("01d-env-url-variants", 3);

        Assert.Equal("AGI://127.0.0.1:4573/some/deep/path.agi?a=1&b=two words#frag", request.RequestUrl);
        Assert.Equal("some/deep/path.agi?a=1&b=two words#frag", request.NetworkScript);
        Assert.Equal("some/deep/path.agi", request.ScriptPath);

        // The fragment is not a parameter and does not stick to the last value.
        Assert.Equal([new("a", "1"), new("b", "two words")], request.Query);
        Assert.Equal("a=1&b=two words", request.RawQuery);
        Assert.Equal(["only-arg"], request.Arguments);
    }

    [Fact]
    public void Comma_in_the_url_01d_splits_the_url_unless_it_was_quoted()
    {
        AgiRequest unquoted = ParseRecorded("01d-env-url-variants", 4);
        Assert.Equal("envurlcomma?a=1", unquoted.NetworkScript);
        Assert.Equal([new("a", "1")], unquoted.Query);
        Assert.Equal(["b=2&c=3", "x"], unquoted.Arguments);

        AgiRequest quoted = ParseRecorded("01d-env-url-variants", 5);
        Assert.Equal("envurlquoted", quoted.ScriptPath);
        Assert.Equal([new("a", "1,b=2"), new("c", "3")], quoted.Query);
        Assert.Equal(["x"], quoted.Arguments);
    }

    [Fact]
    public void Unanswered_channel_01e_has_no_arguments()
    {
        AgiRequest request = ParseRecorded("01e-env-unanswered", 0);

        Assert.Equal("envnoanswer", request.ScriptPath);
        Assert.Equal("1", request.Priority);
        Assert.Empty(request.Arguments);
    }

    [Fact]
    public void Hundred_and_thirty_arguments_01f_give_127_with_the_rest_in_the_last()
    {
        AgiRequest request = ParseRecorded("01f-env-130-args", 0);

        Assert.Equal(127, request.Arguments.Count);
        Assert.Equal(Enumerable.Range(1, 126).Select(n => $"a{n}"), request.Arguments.Take(126));
        Assert.Equal("a127,a128,a129,a130", request.Arguments[126]);
        Assert.Equal("a127,a128,a129,a130", request["agi_arg_127"]);
        Assert.Null(request["agi_arg_128"]);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Values_keep_colons_colon_spaces_and_trailing_spaces(SequenceShape shape)
    {
        AgiRequest request = ParseWhole(
            shape,
            "agi_network: yes\n"
            + "agi_request: agi://10.0.0.1:4573/x\n"
            + "agi_calleridname: Name: With: Colons\n"
            + "agi_accountcode: \n"
            + "agi_arg_1: : leading separator\n"
            + "agi_arg_2:  two spaces \n"
            + "agi_arg_3: a:b\n"
            + "agi_dnid:\n"
            + "\n");

        Assert.Equal("agi://10.0.0.1:4573/x", request.RequestUrl);
        Assert.Equal("Name: With: Colons", request.CallerIdName);
        Assert.Equal(string.Empty, request.AccountCode);
        Assert.Equal([": leading separator", " two spaces ", "a:b"], request.Arguments);

        // A name followed by ':' and nothing else is an empty value too.
        Assert.Equal(string.Empty, request.Dnid);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Utf8_values_are_decoded_even_when_a_character_spans_segments(SequenceShape shape)
    {
        AgiRequest request = ParseWhole(shape, "agi_network: yes\nagi_calleridname: Jos\u00e9 \u2603 \U0001F600\nagi_arg_1: caf\u00e9\n\n");

        Assert.Equal("Jos\u00e9 \u2603 \U0001F600", request.CallerIdName);
        Assert.Equal(["caf\u00e9"], request.Arguments);
    }

    [Theory]
    [InlineData("ivr/main?lang=fr", "ivr/main")]
    [InlineData("/ivr/main/", "ivr/main")]
    [InlineData("//ivr//", "ivr")]
    [InlineData("/", "")]
    [InlineData("?a=1", "")]
    [InlineData("ivr/main#top", "ivr/main")]
    [InlineData("ivr/main/?a=1#top", "ivr/main")]
    [InlineData("ivr/main#top?a=1", "ivr/main")]
    [InlineData("my%20script/x%2Fy", "my script/x/y")]
    [InlineData("plus+sign", "plus+sign")]
    public void Script_path_drops_query_and_fragment_decodes_and_trims_slashes(string networkScript, string scriptPath)
    {
        AgiRequest request = ParseWhole(SequenceShape.SingleSegment, $"agi_network: yes\nagi_network_script: {networkScript}\n\n");

        Assert.Equal(networkScript, request.NetworkScript);
        Assert.Equal(scriptPath, request.ScriptPath);
    }

    [Fact]
    public void A_question_mark_inside_the_fragment_starts_no_query()
    {
        AgiRequest request = ParseWhole(SequenceShape.SingleSegment, "agi_network: yes\nagi_network_script: ivr/main#top?a=1\n\n");

        Assert.Null(request.RawQuery);
        Assert.Empty(request.Query);
    }

    [Fact]
    public void Query_is_url_decoded_with_percent_escapes_and_plus()
    {
        AgiRequest request = ParseWhole(
            SequenceShape.SegmentPerByte,
            "agi_network: yes\nagi_network_script: ivr?greeting=hello+world&name=Jos%C3%A9&pct=100%25&plus=%2B&sp=a%20b#section\n\n");

        Assert.Equal("greeting=hello+world&name=Jos%C3%A9&pct=100%25&plus=%2B&sp=a%20b", request.RawQuery);
        Assert.Equal(
            [new("greeting", "hello world"), new("name", "Jos\u00e9"), new("pct", "100%"), new("plus", "+"), new("sp", "a b")],
            request.Query);
    }

    [Fact]
    public void Request_built_from_pairs_reads_arguments_by_number()
    {
        var request = new AgiRequest([new("agi_arg_2", "b"), new("agi_arg_1", "a"), new("agi_network", "yes")]);

        Assert.Equal(["a", "b"], request.Arguments);
        Assert.Null(request.NetworkScript);
        Assert.Equal(string.Empty, request.ScriptPath);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Parser_stops_at_the_blank_line_and_leaves_the_replies(SequenceShape shape)
    {
        byte[] bytes = "agi_network: yes\nagi_arg_1: x\n\n200 result=0\nHANGUP\n"u8.ToArray();
        var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, bytes));

        Assert.True(new AgiRequestParser().TryParse(ref reader, out AgiRequest? request));
        Assert.Equal(["x"], request.Arguments);
        Assert.Equal("200 result=0\nHANGUP\n"u8.ToArray(), reader.UnreadSequence.ToArray());
    }

    [Fact]
    public void Parse_of_a_block_without_its_blank_line_is_an_incomplete_environment()
    {
        byte[] bytes = "agi_network: yes\nagi_arg_1: x\n"u8.ToArray();

        AgiProtocolException exception = Assert.Throws<AgiProtocolException>(() => AgiRequestParser.Parse(new ReadOnlySequence<byte>(bytes)));
        Assert.Equal(AgiProtocolError.IncompleteEnvironment, exception.Error);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Line_longer_than_the_limit_is_refused_and_one_at_the_limit_is_accepted(SequenceShape shape)
    {
        var limits = new AgiProtocolLimits { MaxEnvironmentLineLength = 32 };
        string atLimit = "agi_arg_1: " + new string('x', 32 - 11);
        string overLimit = atLimit + "x";

        AgiRequest request = ParseWhole(shape, $"agi_network: yes\n{atLimit}\n\n", limits);
        Assert.Equal([new string('x', 21)], request.Arguments);

        AssertProtocolError(AgiProtocolError.EnvironmentLineTooLong, shape, $"agi_network: yes\n{overLimit}\n\n", limits);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Line_longer_than_the_limit_is_refused_before_its_line_feed_arrives(SequenceShape shape)
    {
        var limits = new AgiProtocolLimits { MaxEnvironmentLineLength = 32 };

        // A partial line of exactly the limit may still end well; one byte more cannot.
        Assert.False(TryParse(shape, "agi_network: yes\nagi_arg_1: " + new string('x', 21), limits, out _));
        AssertProtocolError(AgiProtocolError.EnvironmentLineTooLong, shape, "agi_network: yes\nagi_arg_1: " + new string('x', 22), limits);
    }

    [Fact]
    public void Line_without_a_line_feed_is_buffered_no_further_than_the_limit_when_fed_byte_by_byte()
    {
        var limits = new AgiProtocolLimits { MaxEnvironmentLineLength = 64 };
        byte[] stream = Encoding.ASCII.GetBytes("agi_network: yes\nagi_channel: " + new string('x', 1000));
        var parser = new AgiRequestParser(limits);
        var pending = new List<byte>();

        int fed = 0;
        AgiProtocolException? exception = null;
        while (exception is null && fed < stream.Length)
        {
            pending.Add(stream[fed++]);
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(pending.ToArray()));
            try
            {
                Assert.False(parser.TryParse(ref reader, out _));
                pending.RemoveRange(0, (int)reader.Consumed);
            }
            catch (AgiProtocolException caught)
            {
                exception = caught;
            }
        }

        Assert.NotNull(exception);
        Assert.Equal(AgiProtocolError.EnvironmentLineTooLong, exception.Error);

        // The first line was consumed; the second was refused at its 65th byte, not after the whole 1,000 bytes.
        Assert.Equal("agi_network: yes\n".Length + 65, fed);
    }

    [Fact]
    public void Default_limits_refuse_an_endless_line_without_a_line_feed()
    {
        byte[] bytes = Encoding.ASCII.GetBytes("agi_network: yes\nagi_channel: " + new string('x', AgiProtocolLimits.Default.MaxEnvironmentLineLength));

        AgiProtocolException exception = Assert.Throws<AgiProtocolException>(() => TryParse(SequenceShape.SingleSegment, bytes, null, out _));
        Assert.Equal(AgiProtocolError.EnvironmentLineTooLong, exception.Error);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Block_larger_than_the_limit_is_refused_and_one_at_the_limit_is_accepted(SequenceShape shape)
    {
        // The size counts every byte, line feeds and the blank line included.
        string atLimit = "agi_network: yes\nagi_arg_1: aaaa\nagi_arg_2: bbbb\nagi_arg_3: cccc\n\n";
        var limits = new AgiProtocolLimits { MaxEnvironmentSize = atLimit.Length };

        Assert.Equal(["aaaa", "bbbb", "cccc"], ParseWhole(shape, atLimit, limits).Arguments);
        AssertProtocolError(AgiProtocolError.EnvironmentTooLarge, shape, atLimit.Replace("cccc", "ccccc", StringComparison.Ordinal), limits);

        // Counted before the line feed arrives too: the complete lines plus the pending partial line.
        string partial = "agi_network: yes\nagi_arg_1: aaaa\nagi_arg_2: bbbb\nagi_arg_3: ";
        Assert.False(TryParse(shape, partial + new string('c', atLimit.Length - partial.Length), limits, out _));
        AssertProtocolError(AgiProtocolError.EnvironmentTooLarge, shape, partial + new string('c', atLimit.Length - partial.Length + 1), limits);
    }

    [Fact]
    public void Default_limits_refuse_a_block_of_many_long_lines()
    {
        string line = "agi_arg_1: " + new string('x', 15 * 1024) + "\n";
        byte[] bytes = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(line, 20)) + "\n");

        AgiProtocolException exception = Assert.Throws<AgiProtocolException>(() => TryParse(SequenceShape.SingleSegment, bytes, null, out _));
        Assert.Equal(AgiProtocolError.EnvironmentTooLarge, exception.Error);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void More_lines_than_the_limit_are_refused_even_before_the_blank_line(SequenceShape shape)
    {
        var limits = new AgiProtocolLimits { MaxEnvironmentLines = 3 };

        Assert.Equal(["a", "b"], ParseWhole(shape, "agi_network: yes\nagi_arg_1: a\nagi_arg_2: b\n\n", limits).Arguments);
        AssertProtocolError(AgiProtocolError.TooManyEnvironmentLines, shape, "agi_network: yes\nagi_arg_1: a\nagi_arg_2: b\nagi_arg_3: c\n", limits);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Default_limits_accept_the_largest_real_block(SequenceShape shape)
    {
        // 01f: 22 fixed lines and 127 arguments, far below 512 lines and 256 KiB.
        byte[] block = Recordings.Load("01f-env-130-args").Connections[0].EnvironmentBlock();

        Assert.True(TryParse(shape, block, AgiProtocolLimits.Default, out AgiRequest? request));
        Assert.Equal(149, request.Variables.Count);
    }

    [Theory]
    [InlineData("agi_network: yes\nagi_channel: Local/a\0b\n\n")]
    [InlineData("agi_network: yes\n\0agi_channel: x\n\n")]
    [InlineData("agi_net\0work: yes\n\n")]
    [InlineData("\0\n\n")]
    public void Nul_byte_is_refused(string text)
    {
        foreach (SequenceShape shape in ReadOnlySequenceFactory.Shapes)
        {
            AssertProtocolError(AgiProtocolError.NulByte, shape, text, null);
        }
    }

    [Theory]
    [InlineData("garbage\n\n")]
    [InlineData("agi_network: yes\nagi_channel\n\n")]
    [InlineData("agi_network:yes\n\n")]
    [InlineData(": yes\n\n")]
    [InlineData(":\n\n")]
    [InlineData(" \n\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: example\r\n\r\n")]
    [InlineData("agi_network: yes\r\n\r\n")]
    [InlineData("agi_network: yes\n\r\n")]
    [InlineData("200 result=0\n\n")]
    public void Malformed_line_is_refused(string text)
    {
        foreach (SequenceShape shape in ReadOnlySequenceFactory.Shapes)
        {
            AssertProtocolError(AgiProtocolError.MalformedEnvironmentLine, shape, text, null);
        }
    }

    private static AgiRequest ParseRecorded(string scenario, int connection)
    {
        byte[] block = Recordings.Load(scenario).Connections[connection].EnvironmentBlock();
        AgiRequest? first = null;
        foreach (SequenceShape shape in ReadOnlySequenceFactory.Shapes)
        {
            Assert.True(TryParse(shape, block, null, out AgiRequest? request), $"{scenario} #{connection}, {shape}");
            Assert.Equal(first?.Variables ?? request.Variables, request.Variables);
            first ??= request;
        }

        return first!;
    }

    private static AgiRequest ParseWhole(SequenceShape shape, string text, AgiProtocolLimits? limits = null)
    {
        Assert.True(TryParse(shape, Encoding.UTF8.GetBytes(text), limits, out AgiRequest? request), $"{shape}");
        return request;
    }

    private static bool TryParse(SequenceShape shape, string text, AgiProtocolLimits? limits, out AgiRequest? request) =>
        TryParse(shape, Encoding.UTF8.GetBytes(text), limits, out request);

    private static bool TryParse(SequenceShape shape, byte[] bytes, AgiProtocolLimits? limits, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AgiRequest? request)
    {
        var reader = new SequenceReader<byte>(ReadOnlySequenceFactory.Create(shape, bytes));
        return new AgiRequestParser(limits).TryParse(ref reader, out request);
    }

    private static void AssertProtocolError(AgiProtocolError error, SequenceShape shape, string text, AgiProtocolLimits? limits)
    {
        AgiProtocolException exception = Assert.Throws<AgiProtocolException>(() => TryParse(shape, text, limits, out _));
        Assert.Equal(error, exception.Error);
        Assert.False(string.IsNullOrEmpty(exception.Message));
    }

    // Feeds the block to one parser in chunks, keeping the unconsumed bytes as a pipe would, until it returns the request.
    private static AgiRequest FeedIncrementally(byte[] block, IEnumerable<int> chunkSizes)
    {
        var parser = new AgiRequestParser();
        var pending = new List<byte>();
        int offset = 0;
        foreach (int size in chunkSizes)
        {
            pending.AddRange(block.AsSpan(offset, Math.Min(size, block.Length - offset)));
            offset += size;
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(pending.ToArray()));
            if (parser.TryParse(ref reader, out AgiRequest? request))
            {
                Assert.Equal(block.Length, offset);
                Assert.Equal(pending.Count, reader.Consumed);
                return request;
            }

            pending.RemoveRange(0, (int)reader.Consumed);
            Assert.DoesNotContain((byte)'\n', pending);
            if (offset >= block.Length)
            {
                break;
            }
        }

        Assert.Fail("The block never completed.");
        return null!;
    }
}
