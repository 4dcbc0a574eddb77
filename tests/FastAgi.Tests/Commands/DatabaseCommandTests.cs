using FastAgi.Commands;
using Xunit;

namespace FastAgi.Tests.Commands;

/// <summary>DATABASE GET/PUT/DEL/DELTREE: the bytes written and every recorded reply (02c, 04a).</summary>
public sealed class DatabaseCommandTests
{
    [Theory]
    [InlineData("200 result=1 (value1)", "value1")]
    [InlineData("200 result=1 (value with spaces)", "value with spaces")]
    [InlineData("200 result=0", null)]
    public async Task Get_returns_the_value_or_null_when_missing(string reply, string? expected)
    {
        string? value = await CommandHarness.ReplayAsync("02c", "DATABASE GET golden key1", reply, s => s.DatabaseGetAsync("golden", "key1"));

        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("key1", "value1", "DATABASE PUT golden key1 value1")]
    [InlineData("key2", "value with spaces", "DATABASE PUT golden key2 \"value with spaces\"")]
    public async Task Put_sends_the_value_as_one_word(string key, string value, string expected)
    {
        bool stored = await CommandHarness.ReplayAsync("02c", expected, "200 result=1", s => s.DatabasePutAsync("golden", key, value));

        Assert.True(stored);
    }

    [Fact]
    public async Task Put_reports_a_database_error_as_false()
    {
        bool stored = await CommandHarness.ReplayAsync("02c", "DATABASE PUT golden k v", "200 result=0", s => s.DatabasePutAsync("golden", "k", "v"));

        Assert.False(stored);
    }

    [Fact]
    public async Task Put_works_after_hangup()
    {
        RecordedReplies.AssertRecorded("04a", "200 result=1");
        await using var harness = new CommandHarness();
        harness.Send("HANGUP");
        harness.Expect("DATABASE PUT golden dead 1", "200 result=1");

        Assert.True(await harness.RunAsync(s => s.DatabasePutAsync("golden", "dead", "1")));
    }

    [Fact]
    public async Task Del_is_true_even_for_a_key_that_does_not_exist()
    {
        bool deleted = await CommandHarness.ReplayAsync("02c", "DATABASE DEL golden key1", "200 result=1", s => s.DatabaseDeleteAsync("golden", "key1"));

        Assert.True(deleted);
    }

    [Theory]
    [InlineData("200 result=0", true)]
    [InlineData("200 result=1", false)]
    public async Task Deltree_inverted_result_is_translated(string reply, bool expected)
    {
        // handle_dbdeltree(): '0' when entries were deleted, '1' when nothing matched; the opposite of its documentation.
        bool deleted = await CommandHarness.ReplayAsync("02c", "DATABASE DELTREE golden", reply, s => s.DatabaseDeleteTreeAsync("golden"));

        Assert.Equal(expected, deleted);
    }

    [Fact]
    public async Task Deltree_sends_the_optional_key_tree()
    {
        bool deleted = await CommandHarness.ReplayAsync("02c", "DATABASE DELTREE golden sub", "200 result=0", s => s.DatabaseDeleteTreeAsync("golden", "sub"));

        Assert.True(deleted);
    }

    [Fact]
    public async Task Usage_error_carries_the_multi_line_usage()
    {
        const string Usage = "520-Invalid command syntax.  Proper usage follows:\n"
            + "Retrieves an entry in the Asterisk database for a given <replaceable>family</replaceable> and <replaceable>key</replaceable>.\n"
            + "Returns <literal>0</literal> if <replaceable>key</replaceable> is not set. Returns <literal>1</literal> if <replaceable>key</replaceable> is set and returns the variable in parenthesis.\n"
            + "Example return code: 200 result=1 (testvariable)\n"
            + "520 End of proper usage.";
        RecordedReplies.AssertRecorded("02c", Usage);
        await using var harness = new CommandHarness();
        harness.Expect("DATABASE GET golden key", Usage);

        AgiUsageException error = await Assert.ThrowsAsync<AgiUsageException>(() => harness.RunAsync(s => s.DatabaseGetAsync("golden", "key")));

        Assert.StartsWith("Retrieves an entry", error.Usage, StringComparison.Ordinal);
        Assert.EndsWith("Example return code: 200 result=1 (testvariable)", error.Usage, StringComparison.Ordinal);
    }
}
