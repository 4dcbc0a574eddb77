using FastAgi.Commands;
using FastAgi.Server;
using Xunit;

namespace FastAgi.Tests.Commands;

/// <summary>ANSWER, HANGUP, CHANNEL STATUS, SET AUTOHANGUP, SET CALLERID, SET MUSIC and TDD MODE (01e, 02a, 02l, 04a, 04e, 04f, 04h).</summary>
public sealed class ChannelCommandTests
{
    private const string DeadChannel = "511 Command Not Permitted on a dead channel or intercept routine";

    [Theory]
    [InlineData("01e")]
    [InlineData("02a")]
    public async Task Answer_is_true_when_answered_or_already_up(string scenario)
    {
        Assert.True(await CommandHarness.ReplayAsync(scenario, "ANSWER", "200 result=0", s => s.AnswerAsync()));
    }

    [Fact]
    public async Task Answer_failure_on_a_live_call_is_false()
    {
        await using var harness = new CommandHarness();
        harness.Expect("ANSWER", "200 result=-1").Expect("CHANNEL STATUS", "200 result=4");

        Assert.False(await harness.RunAsync(s => s.AnswerAsync()));
    }

    [Fact]
    public async Task Answer_after_hangup_throws()
    {
        RecordedReplies.AssertRecorded("04a", DeadChannel);
        await using var harness = new CommandHarness();
        harness.Send("HANGUP");
        harness.Expect("ANSWER", DeadChannel);

        AgiHangupException hangup = await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.AnswerAsync()));
        Assert.Equal(AgiHangupReason.DeadChannel, hangup.Reason);
    }

    [Theory]
    [InlineData("01e", "200 result=4", ChannelState.Ring)]
    [InlineData("01e", "200 result=6", ChannelState.Up)]
    [InlineData("02a", "200 result=6", ChannelState.Up)]
    public async Task Channel_status_is_the_state(string scenario, string reply, ChannelState expected)
    {
        Assert.Equal(expected, await CommandHarness.ReplayAsync(scenario, "CHANNEL STATUS", reply, s => s.ChannelStatusAsync()));
    }

    [Theory]
    [InlineData("200 result=6", ChannelState.Up)]
    [InlineData("200 result=-1", null)]
    public async Task Channel_status_of_another_channel_is_null_when_it_does_not_exist(string reply, ChannelState? expected)
    {
        ChannelState? state = await CommandHarness.ReplayAsync(
            "02a", "CHANNEL STATUS Local/nosuch@nowhere-00000000;1", reply, s => s.ChannelStatusAsync("Local/nosuch@nowhere-00000000;1"));

        Assert.Equal(expected, state);
    }

    [Fact]
    public async Task Hangup_requests_the_hangup_and_the_session_sees_the_HANGUP_line_after_it()
    {
        RecordedReplies.AssertRecorded("04e", "200 result=1\nHANGUP");
        await using var harness = new CommandHarness();
        harness.Expect("HANGUP", "200 result=1\nHANGUP");

        await harness.RunAsync(s => s.HangupAsync());

        Assert.True(harness.Session.IsHungUp);
        Assert.True(harness.Session.HangupToken.IsCancellationRequested);
    }

    [Theory]
    [InlineData("04e", "Local/nosuch@nowhere-00000000;1", "200 result=-1", false)]
    [InlineData("04f", "Local/hangupother@agi-test-00000023;1", "200 result=1", true)]
    public async Task Hangup_of_another_channel_says_whether_it_exists(string scenario, string channel, string reply, bool expected)
    {
        Assert.Equal(expected, await CommandHarness.ReplayAsync(scenario, "HANGUP " + channel, reply, s => s.HangupAsync(channel)));
    }

    [Fact]
    public async Task Hangup_after_hangup_throws()
    {
        RecordedReplies.AssertRecorded("04e", DeadChannel);
        await using var harness = new CommandHarness();
        harness.Send("HANGUP");
        harness.Expect("HANGUP", DeadChannel);

        await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.HangupAsync()));
    }

    [Theory]
    [InlineData(100_000, "SET AUTOHANGUP 100")]
    [InlineData(0, "SET AUTOHANGUP 0")]
    [InlineData(1_500, "SET AUTOHANGUP 1.5")]
    [InlineData(2_000, "SET AUTOHANGUP 2")]
    [InlineData(-1, "SET AUTOHANGUP 0")]
    public async Task Set_autohangup_sends_decimal_seconds(int milliseconds, string expected)
    {
        TimeSpan delay = milliseconds < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(milliseconds);

        await CommandHarness.ReplayAsync("02l", expected, "200 result=0", async s =>
        {
            await s.SetAutoHangupAsync(delay);
            return true;
        });
    }

    [Theory]
    [InlineData("5550000", "Bob Builder", "SET CALLERID \"\\\"Bob Builder\\\" <5550000>\"")]
    [InlineData("12345", null, "SET CALLERID 12345")]
    public async Task Set_callerid_sends_name_and_number_as_one_word(string number, string? name, string expected)
    {
        await CommandHarness.ReplayAsync("02l", expected, "200 result=1", async s =>
        {
            await s.SetCallerIdAsync(number, name);
            return true;
        });
    }

    [Fact]
    public async Task Set_callerid_refuses_a_quote_in_the_name()
    {
        await using var harness = new CommandHarness();

        await Assert.ThrowsAsync<ArgumentException>(() => harness.RunAsync(s => s.SetCallerIdAsync("1", "say \"hi\"")));
        Assert.Empty(harness.Written);
    }

    [Theory]
    [InlineData(true, null, "SET MUSIC on")]
    [InlineData(true, "default", "SET MUSIC on default")]
    [InlineData(false, null, "SET MUSIC off")]
    [InlineData(false, "default", "SET MUSIC off")]
    public async Task Set_music_sends_on_or_off_and_the_class(bool on, string? musicClass, string expected)
    {
        await CommandHarness.ReplayAsync("02l", expected, "200 result=0", async s =>
        {
            await s.SetMusicAsync(on, musicClass);
            return true;
        });
    }

    [Theory]
    [InlineData(TddMode.On, "TDD MODE on", "02l", "200 result=0", false)]
    [InlineData(TddMode.Off, "TDD MODE off", "02l", "200 result=0", false)]
    [InlineData(TddMode.Mate, "TDD MODE mate", "02l", "200 result=0", false)]
    [InlineData(TddMode.Tdd, "TDD MODE tdd", RecordedReplies.FromSource, "200 result=1", true)]
    public async Task Tdd_mode_says_whether_the_channel_accepted_it(TddMode mode, string expected, string scenario, string reply, bool accepted)
    {
        Assert.Equal(accepted, await CommandHarness.ReplayAsync(scenario, expected, reply, s => s.SetTddModeAsync(mode)));
    }
}
