using FastAgi.Commands;
using Xunit;

namespace FastAgi.Tests.Commands;

/// <summary>Dial, Playback, Read, Set and Goto on top of EXEC, with the variables they read back.</summary>
public sealed class ApplicationHelperTests
{
    [Fact]
    public async Task Dial_returns_dialstatus_and_friends()
    {
        await using var harness = new CommandHarness();
        harness.Expect("EXEC Dial PJSIP/alice&PJSIP/bob,30,tT", "200 result=-1\nHANGUP")
            .Expect("GET VARIABLE DIALSTATUS", "200 result=1 (ANSWER)")
            .Expect("GET VARIABLE ANSWEREDTIME", "200 result=1 (42)")
            .Expect("GET VARIABLE DIALEDTIME", "200 result=1 (50)")
            .Expect("GET VARIABLE DIALEDPEERNAME", "200 result=1 (PJSIP/bob-00000002)")
            .Expect("GET VARIABLE DIALEDPEERNUMBER", "200 result=1 (PJSIP/bob)");

        DialResult result = await harness.RunAsync(s => s.DialAsync("PJSIP/alice&PJSIP/bob", TimeSpan.FromSeconds(30), "tT"));

        Assert.Equal(new DialResult(DialStatus.Answer, "ANSWER", -1, TimeSpan.FromSeconds(42), TimeSpan.FromSeconds(50), "PJSIP/bob-00000002", "PJSIP/bob"), result);
    }

    [Fact]
    public async Task Dial_not_answered_has_no_answered_time_or_peer()
    {
        await using var harness = new CommandHarness();
        harness.Expect("EXEC Dial PJSIP/alice,,g", "200 result=0")
            .Expect("GET VARIABLE DIALSTATUS", "200 result=1 (NOANSWER)")
            .Expect("GET VARIABLE ANSWEREDTIME", "200 result=1 ()")
            .Expect("GET VARIABLE DIALEDTIME", "200 result=1 (20)")
            .Expect("GET VARIABLE DIALEDPEERNAME", "200 result=1 ()")
            .Expect("GET VARIABLE DIALEDPEERNUMBER", "200 result=0");

        DialResult result = await harness.RunAsync(s => s.DialAsync("PJSIP/alice", options: "g"));

        Assert.Equal(new DialResult(DialStatus.NoAnswer, "NOANSWER", 0, null, TimeSpan.FromSeconds(20), null, null), result);
    }

    [Theory]
    [InlineData("CHANUNAVAIL", DialStatus.ChannelUnavailable)]
    [InlineData("BUSY", DialStatus.Busy)]
    [InlineData("CANCEL", DialStatus.Cancel)]
    [InlineData("CONGESTION", DialStatus.Congestion)]
    [InlineData("SOMETHINGNEW", DialStatus.Unknown)]
    public async Task Dial_status_words_are_typed(string word, DialStatus expected)
    {
        await using var harness = new CommandHarness();
        harness.Expect("EXEC Dial PJSIP/alice", "200 result=0")
            .Expect("GET VARIABLE DIALSTATUS", $"200 result=1 ({word})")
            .Expect("GET VARIABLE ANSWEREDTIME", "200 result=0")
            .Expect("GET VARIABLE DIALEDTIME", "200 result=0")
            .Expect("GET VARIABLE DIALEDPEERNAME", "200 result=0")
            .Expect("GET VARIABLE DIALEDPEERNUMBER", "200 result=0");

        DialResult result = await harness.RunAsync(s => s.DialAsync("PJSIP/alice"));

        Assert.Equal(expected, result.Status);
        Assert.Equal(word, result.RawStatus);
    }

    [Fact]
    public async Task Playback_reads_playbackstatus()
    {
        // 02d: Playback of a missing file returns 0 and sets PLAYBACKSTATUS=FAILED.
        RecordedReplies.AssertRecorded("02d", "200 result=0");
        RecordedReplies.AssertRecorded("02d", "200 result=1 (FAILED)");
        await using var harness = new CommandHarness();
        harness.Expect("EXEC Playback nosuchsoundfile", "200 result=0")
            .Expect("GET VARIABLE PLAYBACKSTATUS", "200 result=1 (FAILED)")
            .Expect("EXEC Playback beep&welcome,noanswer", "200 result=0")
            .Expect("GET VARIABLE PLAYBACKSTATUS", "200 result=1 (SUCCESS)");

        (bool missing, bool played) = await harness.RunAsync(async s => (await s.PlaybackAsync("nosuchsoundfile"), await s.PlaybackAsync(["beep", "welcome"], "noanswer")));

        Assert.False(missing);
        Assert.True(played);
    }

    [Fact]
    public async Task Read_sends_only_the_arguments_up_to_the_last_one_given_and_reads_the_digits()
    {
        await using var harness = new CommandHarness();
        harness.Expect("EXEC Read FASTAGI_READ,enter-account,4,,,5", "200 result=0")
            .Expect("GET VARIABLE FASTAGI_READ", "200 result=1 (1234)")
            .Expect("GET VARIABLE READSTATUS", "200 result=1 (OK)")
            .Expect("EXEC Read PIN", "200 result=0")
            .Expect("GET VARIABLE PIN", "200 result=1 ()")
            .Expect("GET VARIABLE READSTATUS", "200 result=1 (TIMEOUT)");

        (ReadAppResult first, ReadAppResult second) = await harness.RunAsync(async s => (
            await s.ReadAsync("enter-account", 4, TimeSpan.FromSeconds(5)),
            await s.ReadAsync(variable: "PIN")));

        Assert.Equal(new ReadAppResult(ReadStatus.Ok, "1234"), first);
        Assert.Equal(new ReadAppResult(ReadStatus.Timeout, ""), second);
    }

    [Fact]
    public async Task Set_and_goto_go_through_exec()
    {
        RecordedReplies.AssertRecorded("02d", "200 result=0");
        await using var harness = new CommandHarness();
        harness.Expect("EXEC Set \"FOO=a b c\"", "200 result=0")
            .Expect("EXEC Goto agi-jump,target,lab", "200 result=0");

        bool jumped = await harness.RunAsync(async s =>
        {
            await s.SetAsync("FOO", "a b c");
            return await s.GotoAsync("agi-jump", "target", "lab");
        });

        Assert.True(jumped);
    }
}
