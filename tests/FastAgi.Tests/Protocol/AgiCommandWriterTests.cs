using System.Buffers;
using System.Text;
using FastAgi.Protocol;
using FastAgi.Testing.Engine;
using FastAgi.Testing.Replay;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Protocol;

public sealed class AgiCommandWriterTests
{
    /// <summary>Command, arguments, and the exact line the writer must produce.</summary>
    public static TheoryData<string, string[], string> ExactLines => new()
    {
        { "NOOP", [], "NOOP\n" },
        { "answer", [], "answer\n" },
        { "STREAM FILE", ["welcome", "#"], "STREAM FILE welcome #\n" },
        { "STREAM FILE", ["tt-monkeys", ""], "STREAM FILE tt-monkeys \"\"\n" },
        { "SAY NUMBER", ["42", ""], "SAY NUMBER 42 \"\"\n" },
        { "GET DATA", ["beep", "3000", "4"], "GET DATA beep 3000 4\n" },
        { "SET VARIABLE", ["FOO", "hello world"], "SET VARIABLE FOO \"hello world\"\n" },
        { "SET VARIABLE", ["FOO", "a\tb"], "SET VARIABLE FOO \"a\tb\"\n" },
        { "SET VARIABLE", ["FOO", "  leading and trailing  "], "SET VARIABLE FOO \"  leading and trailing  \"\n" },
        { "SET VARIABLE", ["FOO", "say \"hi\" now"], "SET VARIABLE FOO \"say \\\"hi\\\" now\"\n" },
        { "SET VARIABLE", ["FOO", "\""], "SET VARIABLE FOO \"\\\"\"\n" },
        { "SET VARIABLE", ["FOO", "back\\slash"], "SET VARIABLE FOO \"back\\\\slash\"\n" },
        { "SET VARIABLE", ["FOO", "\\"], "SET VARIABLE FOO \"\\\\\"\n" },
        { "SET VARIABLE", ["FOO", "ends with \\"], "SET VARIABLE FOO \"ends with \\\\\"\n" },
        { "SET VARIABLE", ["FOO", ""], "SET VARIABLE FOO \"\"\n" },
        { "SET VARIABLE", ["FOO", "caf\u00e9"], "SET VARIABLE FOO caf\u00e9\n" },
        { "SET VARIABLE", ["FOO", "caf\u00e9 \u2603"], "SET VARIABLE FOO \"caf\u00e9 \u2603\"\n" },
        { "SET VARIABLE", ["FOO", "\U0001F600"], "SET VARIABLE FOO \U0001F600\n" },
        { "SET VARIABLE", ["FOO", "it's"], "SET VARIABLE FOO it's\n" },
        { "SET VARIABLE", ["FOO", "'single quoted'"], "SET VARIABLE FOO \"'single quoted'\"\n" },
        { "SET VARIABLE", ["FOO", "${UNIQUEID}"], "SET VARIABLE FOO ${UNIQUEID}\n" },
        { "SET VARIABLE", ["FOO", "x) (y"], "SET VARIABLE FOO \"x) (y\"\n" },
        { "SET VARIABLE", ["FOO", "#"], "SET VARIABLE FOO #\n" },
        { "SET VARIABLE", ["MY VAR", "spaced-name"], "SET VARIABLE \"MY VAR\" spaced-name\n" },
        { "EXEC", ["Set", "A=1,B=2"], "EXEC Set A=1,B=2\n" },
        { "GOSUB", ["agi-sub", "s", "1", "first arg,second arg,third"], "GOSUB agi-sub s 1 \"first arg,second arg,third\"\n" },
        { "VERBOSE", ["hello from the FastAGI server", "1"], "VERBOSE \"hello from the FastAGI server\" 1\n" },
        { "VERBOSE", ["He said \"caf\u00e9\"\t\\o/ #1 \U0001F600", "1"], "VERBOSE \"He said \\\"caf\u00e9\\\"\t\\\\o/ #1 \U0001F600\" 1\n" },
        { "NOOP", ["failure"], "NOOP failure\n" },
        { "NOOP failure", [], "NOOP failure\n" },
    };

    /// <summary>Lines the writer produces that were sent to the real Asterisk in the recordings, and worked there.</summary>
    public static TheoryData<string, string, string[]> RecordedLines => new()
    {
        { "02b-set-get-variable-quoting", "SET VARIABLE", ["FOO", "hello world"] },
        { "02b-set-get-variable-quoting", "SET VARIABLE", ["FOO", "say \"hi\" now"] },
        { "02b-set-get-variable-quoting", "SET VARIABLE", ["FOO", ""] },
        { "02b-set-get-variable-quoting", "SET VARIABLE", ["FOO", "x) (y"] },
        { "02b-set-get-variable-quoting", "SET VARIABLE", ["FOO", "caf\u00e9 \u2603"] },
        { "02b-set-get-variable-quoting", "SET VARIABLE", ["MY VAR", "spaced-name"] },
        { "02b-set-get-variable-quoting", "GET VARIABLE", ["MY VAR"] },
        { "02a-basic-answer-status-noop-verbose", "VERBOSE", ["hello from the FastAGI server", "1"] },
        { "02f-gosub", "GOSUB", ["agi-sub", "s", "1", "first arg,second arg,third"] },
        { "04b-hangup-during-stream-file", "STREAM FILE", ["tt-monkeys", ""] },
    };

    /// <summary>Values that are awkward for the tokenizer: each must come back as exactly one word, unchanged.</summary>
    public static TheoryData<string> AwkwardValues =>
    [
        "", " ", "  ", "\t", " \t ", "\"", "\"\"", "\\", "\\\\", "\\\"", "\"\\", "a\\", "\\a", "\"a", "a\"", "a b", " a", "a ", "ab\"c d\"e",
        "'single quoted'", "it's", "#", "*", "${UNIQUEID}", "a,b|c;d=e", "x) (y", "(", ")", "caf\u00e9", "\U0001F600", "\u00a0", "\u2028",
        "\v\f", "\u0001\u001f\u007f", "failure", "HANGUP", "520 End of proper usage.", "escaped\\ space", "end\\", "\\\" \\\" \\\"",
    ];

    public static TheoryData<string> RefusedArguments =>
    [
        "\r", "\n", "\0", "a\rb", "a\nb", "a\0b", "value\r", "\nvalue", "value\r\n", "\"quoted\nvalue\"",
    ];

    public static TheoryData<string> RefusedCommands =>
    [
        "", "SET  VARIABLE", " NOOP", "NOOP ", "NOOP\n", "NOOP\r", "NOOP\0", "NO\"OP", "NO\\OP", "NOOP\t", "STREAM\tFILE", "NOOP;",
        "NOOP#", "SET VARIABLE FOO=1", "caf\u00e9", "failure", "FAILURE", "Failure", "fAiLuRe", "failure now", "FAILURES", "failure-x",
    ];

    [Theory]
    [MemberData(nameof(ExactLines))]
    public void Writes_the_exact_line(string command, string[] arguments, string expected)
    {
        byte[] expectedBytes = Encoding.UTF8.GetBytes(expected);
        var buffer = new ArrayBufferWriter<byte>();

        int written = AgiCommandWriter.Write(buffer, command, arguments);

        Assert.Equal(expectedBytes, buffer.WrittenSpan.ToArray());
        Assert.Equal(expectedBytes.Length, written);
        Assert.Equal(expectedBytes.Length - 1, AgiCommandWriter.Measure(command, arguments));
        Assert.Equal(expected, AgiCommandWriter.Format(command, arguments));
        Assert.Equal([.. command.Split(' '), .. arguments], ReadBack(buffer.WrittenSpan));
    }

    [Theory]
    [MemberData(nameof(RecordedLines))]
    public void Writes_lines_that_real_Asterisk_was_sent_byte_for_byte(string scenario, string command, string[] arguments)
    {
        var buffer = new ArrayBufferWriter<byte>();
        AgiCommandWriter.Write(buffer, command, arguments);

        Assert.Contains(
            Recordings.Load(scenario).Connections.SelectMany(connection => connection.Events),
            e => e.Kind == AgiRecordedEventKind.ServerToAsterisk && e.GetBytes().AsSpan().SequenceEqual(buffer.WrittenSpan));
    }

    [Theory]
    [MemberData(nameof(AwkwardValues))]
    public void Awkward_value_reaches_Asterisk_as_one_unchanged_word(string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        AgiCommandWriter.Write(buffer, "SET VARIABLE", "FOO", value, "after");

        Assert.Equal(["SET", "VARIABLE", "FOO", value, "after"], ReadBack(buffer.WrittenSpan));
    }

    [Fact]
    public void Random_arguments_reach_Asterisk_unchanged()
    {
        // Printable ASCII, tokenizer specials weighted up, control characters other than CR/LF/NUL, and UTF-8 of 2, 3 and 4 bytes.
        string[] alphabet =
        [
            " ", " ", "\t", "\"", "\"", "\\", "\\", "'", "#", "$", "{", "}", "(", ")", ",", ";", "|", "=", "&", "%", "+", "*",
            "a", "b", "z", "A", "Z", "0", "9", "-", "_", ".", "/", ":", "\u0001", "\u001b", "\u007f", "\v", "\f",
            "\u00e9", "\u00a0", "\u20ac", "\u2603", "\uFEFF", "\U0001F600", "\U00010348",
        ];
        var random = new Random(ReadOnlySequenceFactory.DefaultSeed);
        var buffer = new ArrayBufferWriter<byte>();

        for (int iteration = 0; iteration < 2000; iteration++)
        {
            string[] arguments = new string[random.Next(0, 9)];
            for (int i = 0; i < arguments.Length; i++)
            {
                var builder = new StringBuilder();
                int length = random.Next(0, 25);
                for (int j = 0; j < length; j++)
                {
                    builder.Append(alphabet[random.Next(alphabet.Length)]);
                }

                arguments[i] = builder.ToString();
            }

            buffer.ResetWrittenCount();
            int written = AgiCommandWriter.Write(buffer, "SET VARIABLE", arguments);

            Assert.Equal(buffer.WrittenCount, written);
            Assert.Equal(written - 1, AgiCommandWriter.Measure("SET VARIABLE", arguments));
            Assert.Equal(["SET", "VARIABLE", .. arguments], ReadBack(buffer.WrittenSpan));
        }
    }

    [Fact]
    public void Write_appends_after_what_the_buffer_already_holds()
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("X"u8);

        AgiCommandWriter.Write(buffer, "NOOP");
        AgiCommandWriter.Write(buffer, "SET VARIABLE", "A", "b c");

        Assert.Equal("XNOOP\nSET VARIABLE A \"b c\"\n"u8.ToArray(), buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Line_of_MaxLineLength_bytes_is_read_by_Asterisk_as_exactly_one_command()
    {
        string[] arguments = [new string('x', AgiCommandWriter.MaxLineLength - "NOOP ".Length)];
        var buffer = new ArrayBufferWriter<byte>();

        Assert.Equal(AgiCommandWriter.MaxLineLength + 1, AgiCommandWriter.Write(buffer, "NOOP", arguments));
        Assert.Equal(["NOOP", .. arguments], ReadBack(buffer.WrittenSpan));
    }

    [Fact]
    public void Longest_accepted_line_is_read_by_Asterisk_as_exactly_one_command()
    {
        // 03a: fgets() into char buf[8192] takes at most 8191 bytes *including* the LF. A line of 8191 bytes plus LF runs,
        // but its LF stays behind and later runs as an empty command whose "510" reply puts the session one reply out of step.
        Assert.Equal(8190, AgiCommandWriter.MaxLineLength);

        string[][] longest =
        [
            [new string('x', 8190 - "NOOP ".Length)],
            ["x" + new string('\u00e9', 4092)],
            ["x" + new string('"', 4091)],
            ["FOO", "x" + new string('\\', 4085)],
        ];
        foreach (string[] arguments in longest)
        {
            string command = arguments.Length == 1 ? "NOOP" : "SET VARIABLE";
            var buffer = new ArrayBufferWriter<byte>();

            int written = AgiCommandWriter.Write(buffer, command, arguments);

            Assert.Equal(8191, written);
            Assert.Equal(8190, AgiCommandWriter.Measure(command, arguments));
            Assert.Equal([.. command.Split(' '), .. arguments], ReadBack(buffer.WrittenSpan));
        }
    }

    [Fact]
    public void Line_one_byte_over_the_longest_is_refused_and_nothing_is_written()
    {
        string[][] tooLong =
        [
            [new string('x', 8191 - "NOOP ".Length)],
            ["xx" + new string('\u00e9', 4092)],
            ["xx" + new string('"', 4091)],
            ["FOO", "xx" + new string('\\', 4085)],
            [new string('x', 10_000)],
        ];
        foreach (string[] arguments in tooLong)
        {
            string command = arguments.Length == 1 ? "NOOP" : "SET VARIABLE";
            AssertRefused(command, arguments);
        }
    }

    [Fact]
    public void The_refusal_of_an_8191_byte_line_names_the_length_and_the_limit_plainly()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => AgiCommandWriter.Measure("NOOP", [new string('x', 8191 - "NOOP ".Length)]));

        Assert.StartsWith("'NOOP' would be a 8191-byte line; the most that can be sent is 8190 bytes and its LF.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Up_to_127_words_are_accepted_and_reach_Asterisk()
    {
        string[] arguments = [.. Enumerable.Range(0, 126).Select(i => i % 10 == 0 ? string.Empty : $"a{i}")];
        var buffer = new ArrayBufferWriter<byte>();

        AgiCommandWriter.Write(buffer, "NOOP", arguments);
        Assert.Equal(["NOOP", .. arguments], ReadBack(buffer.WrittenSpan));

        buffer.ResetWrittenCount();
        AgiCommandWriter.Write(buffer, "SET VARIABLE", arguments.AsSpan(0, 125));
        Assert.Equal(127, ReadBack(buffer.WrittenSpan).Count);
    }

    [Fact]
    public void More_than_127_words_are_refused_and_nothing_is_written()
    {
        AssertRefused("NOOP", [.. Enumerable.Range(0, 127).Select(i => $"a{i}")]);
        AssertRefused("SET VARIABLE", [.. Enumerable.Range(0, 126).Select(i => $"a{i}")]);
        AssertRefused("NOOP", [.. Enumerable.Repeat(string.Empty, 127)]);
    }

    [Theory]
    [MemberData(nameof(RefusedArguments))]
    public void Argument_with_CR_LF_or_NUL_is_refused_and_nothing_is_written(string argument)
    {
        AssertRefused("SET VARIABLE", ["FOO", argument]);
        AssertRefused("NOOP", [argument]);
    }

    [Fact]
    public void Null_argument_is_refused_and_nothing_is_written() => AssertRefused("SET VARIABLE", ["FOO", null!]);

    [Theory]
    [MemberData(nameof(RefusedCommands))]
    public void Command_that_is_not_words_of_letters_and_digits_or_starts_with_failure_is_refused(string command) =>
        AssertRefused(command, ["value"]);

    [Fact]
    public void Null_command_and_null_output_are_refused()
    {
        var buffer = new ArrayBufferWriter<byte>();

        Assert.ThrowsAny<ArgumentException>(() => AgiCommandWriter.Write(buffer, null!));
        Assert.ThrowsAny<ArgumentException>(() => AgiCommandWriter.Measure(null!, []));
        Assert.Throws<ArgumentNullException>(() => AgiCommandWriter.Write(null!, "NOOP"));
        Assert.Equal(0, buffer.WrittenCount);
    }

    [Fact]
    public void Tokenizer_agrees_with_real_Asterisk_on_every_SET_VARIABLE_of_02b()
    {
        // Pair each command the recorder sent with the reply it got (02b never sends a command before the previous reply).
        AgiRecordedConnection recorded = Recordings.Load("02b-set-get-variable-quoting").Main;
        byte[][] commands = [.. recorded.Events.Where(e => e.Kind == AgiRecordedEventKind.ServerToAsterisk).Select(e => e.GetBytes())];
        List<AgiReply> replies = ParseReplies(recorded.AsteriskBytesAfterEnvironment());
        Assert.Equal(commands.Length, replies.Count);

        int checkedValues = 0;
        for (int i = 0; i < commands.Length; i++)
        {
            IReadOnlyList<byte[]> lines = AsteriskTokenizer.ReadCommands(commands[i]);
            Assert.Single(lines);
            IReadOnlyList<byte[]> words = AsteriskTokenizer.Split(lines[0]);
            if (!IsWord(words, 0, "SET") || !IsWord(words, 1, "VARIABLE"))
            {
                continue;
            }

            // handle_setvariable() wants exactly 4 words; anything else is a usage error.
            Assert.Equal(words.Count == 4 ? 200 : 520, replies[i].StatusCode);
            if (words.Count != 4)
            {
                continue;
            }

            // The next GET VARIABLE of the same name shows what was stored (GET VARIABLE keeps at most 1023 bytes).
            for (int j = i + 1; j < commands.Length; j++)
            {
                IReadOnlyList<byte[]> get = AsteriskTokenizer.Split(AsteriskTokenizer.ReadCommands(commands[j])[0]);
                if (get.Count == 3 && IsWord(get, 0, "GET") && IsWord(get, 1, "VARIABLE") && get[2].AsSpan().SequenceEqual(words[2]))
                {
                    byte[] stored = words[3].Length > 1023 ? words[3][..1023] : words[3];
                    Assert.Equal(Encoding.UTF8.GetString(stored), replies[j].Data);
                    checkedValues++;
                    break;
                }
            }
        }

        Assert.True(checkedValues >= 15, $"Only {checkedValues} values were checked.");
    }

    [Theory]
    [InlineData("SET VARIABLE Q1 \"unterminated", new[] { "SET", "VARIABLE", "Q1", "unterminated" })]
    [InlineData("SET VARIABLE Q2 bar\"", new[] { "SET", "VARIABLE", "Q2", "bar" })]
    [InlineData("SET VARIABLE Q3 \"a\" \"b\"", new[] { "SET", "VARIABLE", "Q3", "a", "b" })]
    [InlineData("SET VARIABLE \"Q4 x", new[] { "SET", "VARIABLE", "Q4 x" })]
    [InlineData("\tNOOP\t\ttab-separated  and   multiple   spaces", new[] { "NOOP", "tab-separated", "and", "multiple", "spaces" })]
    [InlineData("NOOP any \"args at all\" are ignored", new[] { "NOOP", "any", "args at all", "are", "ignored" })]
    [InlineData("SET VARIABLE FOO back\\slash", new[] { "SET", "VARIABLE", "FOO", "backslash" })]
    [InlineData("SET VARIABLE FOO escaped\\ space", new[] { "SET", "VARIABLE", "FOO", "escaped space" })]
    [InlineData("", new string[0])]
    [InlineData("   ", new string[0])]
    public void Tokenizer_agrees_with_the_parsing_recorded_in_02a_and_03a(string line, string[] words) =>
        Assert.Equal(words, AsteriskTokenizer.Split(line));

    [Theory]
    [InlineData("NOOP a0 a1")]
    [InlineData("SET VARIABLE MANY m0 m1")]
    public void Tokenizer_keeps_127_of_the_200_words_recorded_in_03a(string prefix)
    {
        byte[] line = FindSentLine("03a-errors-510-520-parsing", prefix);
        IReadOnlyList<string> words = Words(AsteriskTokenizer.ReadCommands(line).Single());

        Assert.True(line.Count(value => value == (byte)' ') >= 200);
        Assert.Equal(127, words.Count);
    }

    [Theory]
    [InlineData("SET VARIABLE LONGLINE x", 2, 8169)]
    [InlineData("SET VARIABLE EXACT y", 2, 8172)]
    [InlineData("SET VARIABLE EXACT w", 1, 8171)]
    public void Line_reading_agrees_with_the_long_lines_recorded_in_03a(string prefix, int commands, int storedLength)
    {
        // The recorded GET FULL VARIABLE ${LEN(...)} gave 8169, 8172 and 8171; the 10023-byte line and the 8191-byte line each
        // drew an extra "510 Invalid or unknown command".
        byte[] line = FindSentLine("03a-errors-510-520-parsing", prefix);
        IReadOnlyList<byte[]> read = AsteriskTokenizer.ReadCommands(line);

        Assert.Equal(commands, read.Count);
        Assert.Equal(storedLength, AsteriskTokenizer.Split(read[0])[3].Length);
        if (commands == 2)
        {
            Assert.DoesNotContain((byte)'\n', read[1]);
        }
    }

    [Fact]
    public void Line_reading_keeps_a_carriage_return_as_03a_recorded()
    {
        IReadOnlyList<byte[]> read = AsteriskTokenizer.ReadCommands("NOOP\r\nSET VARIABLE CRLF value\r\n"u8);

        Assert.Equal(["NOOP\r", "SET VARIABLE CRLF value\r"], read.Select(command => Encoding.ASCII.GetString(command)));
    }

    private static void AssertRefused(string command, string[] arguments)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("X"u8);

        Assert.Throws<ArgumentException>(() => AgiCommandWriter.Write(buffer, command, arguments));
        Assert.Equal("X"u8.ToArray(), buffer.WrittenSpan.ToArray());
        Assert.Throws<ArgumentException>(() => AgiCommandWriter.Measure(command, arguments));
        Assert.Throws<ArgumentException>(() => AgiCommandWriter.Format(command, arguments));
    }

    // What Asterisk does with the bytes: run_agi() reads one line, parse_args() splits it. The line must be read as one command.
    private static IReadOnlyList<string> ReadBack(ReadOnlySpan<byte> written)
    {
        Assert.True(written.Length > 0 && written[^1] == (byte)'\n', "A command ends with LF.");
        Assert.Equal(-1, written[..^1].IndexOfAny("\r\n\0"u8));

        IReadOnlyList<byte[]> commands = AsteriskTokenizer.ReadCommands(written);
        Assert.True(commands.Count == 1, $"Asterisk reads this {written.Length}-byte line as {commands.Count} commands.");
        Assert.Equal(written[..^1].ToArray(), commands[0]);
        return Words(commands[0]);
    }

    private static IReadOnlyList<string> Words(byte[] line) => [.. AsteriskTokenizer.Split(line).Select(word => Encoding.UTF8.GetString(word))];

    private static bool IsWord(IReadOnlyList<byte[]> words, int index, string expected) =>
        words.Count > index && Encoding.ASCII.GetString(words[index]).Equals(expected, StringComparison.OrdinalIgnoreCase);

    private static byte[] FindSentLine(string scenario, string prefix) =>
        Recordings.Load(scenario).Main.Events
            .Where(e => e.Kind == AgiRecordedEventKind.ServerToAsterisk)
            .Select(e => e.GetBytes())
            .Single(bytes => bytes.AsSpan().StartsWith(Encoding.ASCII.GetBytes(prefix)));

    private static List<AgiReply> ParseReplies(byte[] bytes)
    {
        var replies = new List<AgiReply>();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        while (AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out AgiReply? reply) == AgiReplyParseStatus.Reply)
        {
            replies.Add(reply!);
        }

        Assert.True(reader.End);
        return replies;
    }
}
