using FastAgi.Commands;
using FastAgi.Server;
using Xunit;

namespace FastAgi.Tests.Commands;

/// <summary>RECORD FILE (02j, 02k): every reason in the reply, and the positional optional arguments.</summary>
public sealed class RecordCommandTests
{
    private const string DeadChannel = "511 Command Not Permitted on a dead channel or intercept routine";

    public static TheoryData<string, string, RecordResult> Replies => new()
    {
        { "02j", "200 result=0 (timeout) endpos=0", new(RecordEndReason.TimeoutOrSilence, null, 0) },
        { "02j", "200 result=0 (timeout) endpos=16000", new(RecordEndReason.TimeoutOrSilence, null, 16000) },

        // A silence ending says "(timeout)" too, with the milliseconds left as a meaningless result.
        { "02j", "200 result=6981 (timeout) endpos=8160", new(RecordEndReason.TimeoutOrSilence, null, 8160) },
        { "02j", "200 result=-1 (writefile)", new(RecordEndReason.WriteError, null, 0) },
        { "02k", "200 result=42 (dtmf) endpos=0", new(RecordEndReason.Digit, '*', 0) },
        { "02k", "200 result=35 (dtmf) endpos=0", new(RecordEndReason.Digit, '#', 0) },

        // Formats from handle_recordfile() that no recording holds.
        { RecordedReplies.FromSource, "200 result=-1 (hangup) endpos=24000", new(RecordEndReason.Hangup, null, 24000) },
        { RecordedReplies.FromSource, "200 result=-1 (waitfor) endpos=800", new(RecordEndReason.WaitError, null, 800) },
        { RecordedReplies.FromSource, "200 result=35 (randomerror) endpos=0", new(RecordEndReason.BeepError, '#', 0) },
        { RecordedReplies.FromSource, "200 result=-1", new(RecordEndReason.SilenceDetectionError, null, 0) },
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public async Task Reply_reason_is_typed(string scenario, string reply, RecordResult expected)
    {
        RecordResult result = await CommandHarness.ReplayAsync(
            scenario, "RECORD FILE /var/spool/asterisk/recording/r1 wav #* 10000", reply,
            s => s.RecordFileAsync("/var/spool/asterisk/recording/r1", "wav", EscapeDigits.Parse("#*"), TimeSpan.FromSeconds(10)));

        Assert.Equal(expected, result);
    }

    [Fact]
    public async Task Beep_that_cannot_play_on_a_live_call_is_a_beep_error()
    {
        // "200 result=-1 (randomerror)" means "the beep failed" (a missing beep file) or "the caller hung up during it":
        // the channel is still up, so it is the first.
        await using var harness = new CommandHarness();
        harness.Expect("RECORD FILE vm/msg0001 wav # -1 BEEP", "200 result=-1 (randomerror) endpos=0")
            .Expect("CHANNEL STATUS", "200 result=6");

        RecordResult recorded = await harness.RunAsync(s => s.RecordFileAsync("vm/msg0001", "wav", EscapeDigits.Parse("#"), Timeout.InfiniteTimeSpan, beep: true));

        Assert.Equal(new RecordResult(RecordEndReason.BeepError, null, 0), recorded);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hangup_during_the_beep_is_a_hangup_whatever_token_is_passed(bool passHangupToken)
    {
        // The same reply when the caller hangs up during the beep; the probe settles it (and Asterisk's HANGUP line may come first).
        await using var harness = new CommandHarness();
        harness.Expect("RECORD FILE vm/msg0001 wav # -1 BEEP", "200 result=-1 (randomerror) endpos=0")
            .Expect("CHANNEL STATUS", "HANGUP\n511 Command Not Permitted on a dead channel or intercept routine");

        RecordResult recorded = await harness.RunAsync(s => s.RecordFileAsync(
            "vm/msg0001", "wav", EscapeDigits.Parse("#"), Timeout.InfiniteTimeSpan, beep: true, cancellationToken: passHangupToken ? s.HangupToken : default));

        Assert.Equal(new RecordResult(RecordEndReason.Hangup, null, 0), recorded);
        Assert.True(harness.Session.IsHungUp);
    }

    [Fact]
    public async Task Hangup_while_recording_is_a_result_not_an_exception()
    {
        // The recording up to the hangup is kept: the usual end of a voicemail. The next channel command throws.
        await using var harness = new CommandHarness();
        harness.Expect("RECORD FILE vm/msg0001 wav # -1 BEEP s=3", "200 result=-1 (hangup) endpos=48000\nHANGUP")
            .Expect("STREAM FILE vm-goodbye \"\"", DeadChannel);

        RecordResult recorded = default;
        await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(async s =>
        {
            recorded = await s.RecordFileAsync("vm/msg0001", "wav", EscapeDigits.Parse("#"), Timeout.InfiniteTimeSpan, beep: true, silence: TimeSpan.FromSeconds(3));
            await s.StreamFileAsync("vm-goodbye");
        }));

        Assert.Equal(new RecordResult(RecordEndReason.Hangup, null, 48000), recorded);
    }

    public static TheoryData<Func<AgiSession, ValueTask<RecordResult>>, string> Arguments => new()
    {
        { s => s.RecordFileAsync("/var/spool/asterisk/recording/r1-noaudio", "wav", EscapeDigits.Parse("#"), TimeSpan.FromMilliseconds(1500)), "RECORD FILE /var/spool/asterisk/recording/r1-noaudio wav # 1500" },
        { s => s.RecordFileAsync("/var/spool/asterisk/recording/r2-beep", "wav", EscapeDigits.Parse("#"), TimeSpan.FromMilliseconds(1500), beep: true), "RECORD FILE /var/spool/asterisk/recording/r2-beep wav # 1500 BEEP" },
        { s => s.RecordFileAsync("r3", "wav", EscapeDigits.Parse("#"), TimeSpan.FromSeconds(1), beep: true, sampleOffset: 8000), "RECORD FILE r3 wav # 1000 8000 BEEP" },
        { s => s.RecordFileAsync("r6", "wav", EscapeDigits.Parse("#"), TimeSpan.FromSeconds(8), silence: TimeSpan.FromSeconds(1)), "RECORD FILE r6 wav # 8000 s=1" },
        { s => s.RecordFileAsync("r6", "wav", EscapeDigits.None, TimeSpan.FromSeconds(8), silence: TimeSpan.FromMilliseconds(1500)), "RECORD FILE r6 wav \"\" 8000 s=2" },
        { s => s.RecordFileAsync("r10", "gsm", EscapeDigits.Parse("#"), Timeout.InfiniteTimeSpan), "RECORD FILE r10 gsm # -1" },
        { s => s.RecordFileAsync("my file", "wav", EscapeDigits.Parse("#"), TimeSpan.FromSeconds(1), sampleOffset: 16000, silence: TimeSpan.FromSeconds(2)), "RECORD FILE \"my file\" wav # 1000 16000 s=2" },
    };

    [Theory]
    [MemberData(nameof(Arguments))]
    public async Task Optional_arguments_follow_the_order_asterisk_reads(Func<AgiSession, ValueTask<RecordResult>> call, string expected)
    {
        await using var harness = new CommandHarness();
        harness.Expect(expected, "200 result=0 (timeout) endpos=0");

        await harness.RunAsync(call);
    }

    [Fact]
    public async Task Record_on_a_dead_channel_throws()
    {
        await using var harness = new CommandHarness();
        harness.Send("HANGUP");
        harness.Expect("RECORD FILE r wav # 1000", DeadChannel);

        await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.RecordFileAsync("r", "wav", EscapeDigits.Parse("#"), TimeSpan.FromSeconds(1))));
    }
}
