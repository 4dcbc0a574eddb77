using FastAgi.Commands;
using Xunit;

namespace FastAgi.Tests.Commands;

/// <summary>GET VARIABLE, GET FULL VARIABLE and SET VARIABLE: the bytes written and every recorded reply (02b, 02d, 04a).</summary>
public sealed class VariableCommandTests
{
    public static TheoryData<string, string, string?> GetVariableReplies => new()
    {
        { "02b", "200 result=1 (bar)", "bar" },
        { "02b", "200 result=1 (hello world)", "hello world" },
        { "02b", "200 result=1 (say \"hi\" now)", "say \"hi\" now" },
        { "02b", "200 result=1 (back\\slash)", "back\\slash" },
        { "02b", "200 result=1 ()", "" },
        { "02b", "200 result=1 (x) (y)", "x) (y" },
        { "02b", "200 result=1 (a,b|c;d=e)", "a,b|c;d=e" },
        { "02b", "200 result=1 (${UNIQUEID})", "${UNIQUEID}" },
        { "02b", "200 result=1 (caf\u00e9 \u2603)", "caf\u00e9 \u2603" },
        { "02b", "200 result=1 (Local/vars@agi-test-00000011;2)", "Local/vars@agi-test-00000011;2" },
        { "02b", "200 result=0", null },
        { "02d", "200 result=1 (FAILED)", "FAILED" },
    };

    [Theory]
    [MemberData(nameof(GetVariableReplies))]
    public async Task Get_variable_reply_is_the_value_or_null_when_unset(string scenario, string reply, string? expected)
    {
        string? value = await CommandHarness.ReplayAsync(scenario, "GET VARIABLE FOO", reply, s => s.GetVariableAsync("FOO"));

        Assert.Equal(expected, value);
    }

    [Fact]
    public async Task Get_variable_returns_what_asterisk_sends_which_is_cut_to_1023_bytes()
    {
        string truncated = "200 result=1 (" + new string('v', AgiCommands.MaxGetVariableLength) + ")";
        string? value = await CommandHarness.ReplayAsync("02b", "GET VARIABLE LONGV", truncated, s => s.GetVariableAsync("LONGV"));

        Assert.Equal(AgiCommands.MaxGetVariableLength, value!.Length);
    }

    [Theory]
    [InlineData("FOO", "GET VARIABLE FOO")]
    [InlineData("MY VAR", "GET VARIABLE \"MY VAR\"")]
    [InlineData("CALLERID(all)", "GET VARIABLE CALLERID(all)")]
    public async Task Get_variable_sends_the_name_as_one_word(string name, string expected)
    {
        await using var harness = new CommandHarness();
        harness.Expect(expected, "200 result=0");

        Assert.Null(await harness.RunAsync(s => s.GetVariableAsync(name)));
    }

    [Fact]
    public async Task Get_variable_works_after_hangup()
    {
        RecordedReplies.AssertRecorded("04a", "200 result=0");
        await using var harness = new CommandHarness();
        harness.Send("HANGUP");
        harness.Expect("GET VARIABLE AGISTATUS", "200 result=0");

        Assert.Null(await harness.RunAsync(s => s.GetVariableAsync("AGISTATUS")));
    }

    public static TheoryData<string, string, string?> GetFullVariableReplies => new()
    {
        { "02b", "200 result=1 (Local/vars@agi-test-00000011;2 / 1795700066.35 / )", "Local/vars@agi-test-00000011;2 / 1795700066.35 / " },
        { "02b", "200 result=1 ()", "" },
        { "02b", "200 result=1 (line1\nline2)", "line1\nline2" },
        { "02b", "200 result=1 (" + new string('v', 2000) + ")", new string('v', 2000) },
        { "02b", "200 result=0", null },
    };

    [Theory]
    [MemberData(nameof(GetFullVariableReplies))]
    public async Task Get_full_variable_reply_is_the_substituted_text(string scenario, string reply, string? expected)
    {
        string? value = await CommandHarness.ReplayAsync(scenario, "GET FULL VARIABLE ${X}", reply, s => s.GetFullVariableAsync("${X}"));

        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData(null, "GET FULL VARIABLE \"${CHANNEL(name)} / ${UNIQUEID} / ${NEVER_SET}\"")]
    [InlineData("Local/vars@agi-test-00000011;1", "GET FULL VARIABLE \"${CHANNEL(name)} / ${UNIQUEID} / ${NEVER_SET}\" Local/vars@agi-test-00000011;1")]
    public async Task Get_full_variable_sends_the_expression_and_the_optional_channel(string? channel, string expected)
    {
        await using var harness = new CommandHarness();
        harness.Expect(expected, "200 result=1 ()");

        await harness.RunAsync(s => s.GetFullVariableAsync("${CHANNEL(name)} / ${UNIQUEID} / ${NEVER_SET}", channel));
    }

    [Theory]
    [InlineData("FOO", "bar", "SET VARIABLE FOO bar")]
    [InlineData("FOO", "hello world", "SET VARIABLE FOO \"hello world\"")]
    [InlineData("FOO", "say \"hi\" now", "SET VARIABLE FOO \"say \\\"hi\\\" now\"")]
    [InlineData("FOO", "back\\slash", "SET VARIABLE FOO \"back\\\\slash\"")]
    [InlineData("FOO", "", "SET VARIABLE FOO \"\"")]
    [InlineData("FOO", "it's", "SET VARIABLE FOO it's")]
    [InlineData("FOO", "${UNIQUEID}", "SET VARIABLE FOO ${UNIQUEID}")]
    [InlineData("MY VAR", "spaced-name", "SET VARIABLE \"MY VAR\" spaced-name")]
    [InlineData("FOO", "caf\u00e9 \u2603", "SET VARIABLE FOO \"caf\u00e9 \u2603\"")]
    public async Task Set_variable_sends_name_and_value_as_two_words(string name, string value, string expected)
    {
        RecordedReplies.AssertRecorded("02b", "200 result=1");
        await using var harness = new CommandHarness();
        harness.Expect(expected, "200 result=1");

        await harness.RunAsync(s => s.SetVariableAsync(name, value));
    }

    [Fact]
    public async Task Set_variable_refuses_a_line_feed_before_writing()
    {
        await using var harness = new CommandHarness();

        await Assert.ThrowsAsync<ArgumentException>(() => harness.RunAsync(s => s.SetVariableAsync("FOO", "line1\nNOOP injected")));
        Assert.Empty(harness.Written);
    }

    [Fact]
    public async Task Set_variable_usage_error_carries_the_usage_text()
    {
        const string Usage = "520-Invalid command syntax.  Proper usage follows:\nSets a variable to the current channel.\n520 End of proper usage.";
        RecordedReplies.AssertRecorded("02b", Usage);
        await using var harness = new CommandHarness();
        harness.Expect("SET VARIABLE FOO bar", Usage);

        AgiUsageException error = await Assert.ThrowsAsync<AgiUsageException>(() => harness.RunAsync(s => s.SetVariableAsync("FOO", "bar")));

        Assert.Equal("Sets a variable to the current channel.", error.Usage);
        Assert.Equal("SET VARIABLE", error.Command);
        Assert.Equal(520, error.Reply.StatusCode);
    }
}
