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
}
