using FastAgi.Testing.Engine;

namespace FastAgi.Testing.Tests.Engine;

public sealed class AsteriskTokenizerTests
{
    /// <summary>PROTOCOL-NOTES §4: each S->A line and the value Asterisk stored (02b, 03a).</summary>
    [Theory]
    [InlineData("SET VARIABLE FOO \"hello world\"", "hello world")]
    [InlineData("SET VARIABLE FOO \"say \\\"hi\\\" now\"", "say \"hi\" now")]
    [InlineData("SET VARIABLE FOO back\\\\slash", "back\\slash")]
    [InlineData("SET VARIABLE FOO back\\slash", "backslash")]
    [InlineData("SET VARIABLE FOO escaped\\ space", "escaped space")]
    [InlineData("SET VARIABLE FOO \"\"", "")]
    [InlineData("SET VARIABLE FOO it's", "it's")]
    [InlineData("SET VARIABLE FOO ab\"c d\"e", "abc de")]
    [InlineData("SET VARIABLE FOO \"unterminated quote", "unterminated quote")]
    [InlineData("SET VARIABLE Q2 bar\"", "bar")]
    [InlineData("SET VARIABLE FOO ${UNIQUEID}", "${UNIQUEID}")]
    [InlineData("SET VARIABLE FOO \"x) (y\"", "x) (y")]
    public void The_fourth_word_is_the_value_Asterisk_stored(string line, string stored)
    {
        IReadOnlyList<string> words = AsteriskTokenizer.Split(line);
        Assert.Equal(4, words.Count);
        Assert.Equal(stored, words[3]);
    }

    [Theory]
    [InlineData("SET VARIABLE FOO hello world", 5)]
    [InlineData("SET VARIABLE FOO 'single quoted'", 5)]
    [InlineData("SET VARIABLE Q3 \"a\" \"b\"", 5)]
    [InlineData("SET VARIABLE \"Q4 x", 3)]
    [InlineData("", 0)]
    [InlineData("   ", 0)]
    [InlineData("\t", 0)]
    public void Word_counts_that_make_Asterisk_answer_520_or_510(string line, int count)
        => Assert.Equal(count, AsteriskTokenizer.Split(line).Count);

    [Fact]
    public void A_quoted_name_is_one_word()
        => Assert.Equal(["SET", "VARIABLE", "MY VAR", "x"], AsteriskTokenizer.Split("SET VARIABLE \"MY VAR\" x"));

    [Fact]
    public void Tabs_runs_of_spaces_and_leading_whitespace_separate_words()
        => Assert.Equal(["NOOP", "tab-separated", "and", "multiple", "spaces"], AsteriskTokenizer.Split("\tNOOP\t\ttab-separated  and   multiple   spaces"));

    [Fact]
    public void A_CR_stays_in_the_last_word()
        => Assert.Equal(["NOOP\r"], AsteriskTokenizer.Split("NOOP\r"));

    [Fact]
    public void Words_after_the_127th_are_dropped()
    {
        string line = "NOOP " + string.Join(' ', Enumerable.Range(0, 200).Select(i => "a" + i));
        IReadOnlyList<string> words = AsteriskTokenizer.Split(line);
        Assert.Equal(AsteriskTokenizer.MaxWords, words.Count);
        Assert.Equal("a125", words[^1]);
    }

    [Fact]
    public void A_NUL_ends_the_line()
        => Assert.Equal(["NOOP"], AsteriskTokenizer.Split("NOOP\0hidden"));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "\"\"")]
    [InlineData("two words", "\"two words\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    public void Quote_gives_a_word_Split_reads_back(string word, string quoted)
    {
        Assert.Equal(quoted, AsteriskTokenizer.Quote(word));
        Assert.Equal(["X", word], AsteriskTokenizer.Split("X " + quoted));
    }

    [Fact]
    public void Bytes_split_as_the_UTF8_text_does()
    {
        const string Line = "SET VARIABLE \"caf\u00e9 \u2603\" \"say \\\"hi\\\"\"";
        IReadOnlyList<byte[]> words = AsteriskTokenizer.Split(System.Text.Encoding.UTF8.GetBytes(Line));

        Assert.Equal(AsteriskTokenizer.Split(Line), words.Select(word => System.Text.Encoding.UTF8.GetString(word)));
        Assert.Equal(["SET", "VARIABLE", "caf\u00e9 \u2603", "say \"hi\""], AsteriskTokenizer.Split(Line));
    }

    [Fact]
    public void Command_lines_end_at_LF_only()
    {
        IReadOnlyList<byte[]> read = AsteriskTokenizer.ReadCommands("NOOP\r\nSET VARIABLE X 1\n\nlast"u8);

        Assert.Equal(["NOOP\r", "SET VARIABLE X 1", string.Empty, "last"], read.Select(command => System.Text.Encoding.ASCII.GetString(command)));
    }

    [Theory]
    [InlineData(8190, 1)]
    [InlineData(8191, 2)]
    [InlineData(10022, 2)]
    public void fgets_cuts_lines_at_8191_bytes(int lengthWithoutLf, int commands)
    {
        // run_agi() reads with fgets() into char buf[AGI_BUF_LEN]: 8191 bytes at most, LF included (03a recorded both cases).
        byte[] line = [.. Enumerable.Repeat((byte)'x', lengthWithoutLf), (byte)'\n'];
        IReadOnlyList<byte[]> read = AsteriskTokenizer.ReadCommands(line);

        Assert.Equal(commands, read.Count);
        Assert.Equal(Math.Min(lengthWithoutLf, AsteriskTokenizer.LineBufferLength - 1), read[0].Length);
        Assert.Equal(lengthWithoutLf, read.Sum(command => command.Length));
        Assert.All(read, command => Assert.DoesNotContain((byte)'\n', command));
    }
}
