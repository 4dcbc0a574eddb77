using FastAgi.Commands;
using FastAgi.Server;
using Xunit;

namespace FastAgi.Tests.Commands;

/// <summary>SEND TEXT, SEND IMAGE, RECEIVE CHAR and RECEIVE TEXT (02l), including RECEIVE CHAR's "-1 (hangup)" on a timeout.</summary>
public sealed class TextCommandTests
{
    private const string DeadChannel = "511 Command Not Permitted on a dead channel or intercept routine";

    [Theory]
    [InlineData("hello peer", "SEND TEXT \"hello peer\"")]
    [InlineData("one", "SEND TEXT one")]
    [InlineData("", "SEND TEXT \"\"")]
    public async Task Send_text_sends_exactly_one_argument(string text, string expected)
    {
        Assert.True(await CommandHarness.ReplayAsync("02l", expected, "200 result=0", s => s.SendTextAsync(text)));
    }

    [Fact]
    public async Task Send_text_error_on_a_live_call_is_false()
    {
        await using var harness = new CommandHarness();
        harness.Expect("SEND TEXT hi", "200 result=-1").Expect("CHANNEL STATUS", "200 result=6");

        Assert.False(await harness.RunAsync(s => s.SendTextAsync("hi")));
    }

    [Fact]
    public async Task Send_image_is_true_when_asterisk_reports_no_error()
    {
        Assert.True(await CommandHarness.ReplayAsync("02l", "SEND IMAGE logo", "200 result=0", s => s.SendImageAsync("logo")));
    }

    [Fact]
    public async Task Receive_char_returns_the_character()
    {
        Assert.Equal('x', await CommandHarness.ReplayAsync("02l", "RECEIVE CHAR 5000", "200 result=120", s => s.ReceiveCharAsync(TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task Receive_char_timeout_reported_as_hangup_is_null_on_a_live_call()
    {
        // ast_recvchar() returns -1 on a timeout, so Asterisk answers "(hangup)"; the probe shows the call is still up.
        RecordedReplies.AssertRecorded("02l", "200 result=-1 (hangup)");
        await using var harness = new CommandHarness();
        harness.Expect("RECEIVE CHAR 1000", "200 result=-1 (hangup)").Expect("CHANNEL STATUS", "200 result=6");

        Assert.Null(await harness.RunAsync(s => s.ReceiveCharAsync(TimeSpan.FromSeconds(1))));
    }

    [Fact]
    public async Task Receive_char_real_hangup_throws()
    {
        await using var harness = new CommandHarness();
        harness.Expect("RECEIVE CHAR 1000", "200 result=-1 (hangup)").Expect("CHANNEL STATUS", "HANGUP\n" + DeadChannel);

        await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.ReceiveCharAsync(TimeSpan.FromSeconds(1))));
    }

    [Theory]
    [InlineData(-1, "RECEIVE CHAR 0")]
    [InlineData(1500, "RECEIVE CHAR 1500")]
    public async Task Receive_char_sends_zero_for_infinite(int milliseconds, string expected)
    {
        TimeSpan timeout = milliseconds < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(milliseconds);
        Assert.Equal('x', await CommandHarness.ReplayAsync("02l", expected, "200 result=120", s => s.ReceiveCharAsync(timeout)));
    }

    [Fact]
    public async Task Receive_char_refuses_zero_because_asterisk_reads_it_as_forever()
    {
        await using var harness = new CommandHarness();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => harness.RunAsync(s => s.ReceiveCharAsync(TimeSpan.Zero)));
        Assert.Empty(harness.Written);
    }

    [Fact]
    public async Task Receive_text_returns_the_text()
    {
        string? text = await CommandHarness.ReplayAsync("02l", "RECEIVE TEXT 5000", "200 result=1 (hi there from peer)", s => s.ReceiveTextAsync(TimeSpan.FromSeconds(5)));

        Assert.Equal("hi there from peer", text);
    }

    [Fact]
    public async Task Receive_text_timeout_is_null()
    {
        RecordedReplies.AssertRecorded("02l", "200 result=-1");
        await using var harness = new CommandHarness();
        harness.Expect("RECEIVE TEXT 1000", "200 result=-1").Expect("CHANNEL STATUS", "200 result=6");

        Assert.Null(await harness.RunAsync(s => s.ReceiveTextAsync(TimeSpan.FromSeconds(1))));
    }
}
