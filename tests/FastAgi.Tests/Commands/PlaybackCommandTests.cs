using FastAgi.Commands;
using FastAgi.Server;
using Xunit;

namespace FastAgi.Tests.Commands;

/// <summary>STREAM FILE and CONTROL STREAM FILE: the bytes written and every recorded reply (02g, 04b, 04h, 04i).</summary>
public sealed class PlaybackCommandTests
{
    private const string DeadChannel = "511 Command Not Permitted on a dead channel or intercept routine";

    public static TheoryData<string, string, PlaybackResult> StreamFileReplies => new()
    {
        { "02g", "200 result=0 endpos=3404", new(PlaybackStatus.Completed, null, 3404) },
        { "02g", "200 result=0 endpos=11234", new(PlaybackStatus.Completed, null, 11234) },
        { "02g", "200 result=35 endpos=17280", new(PlaybackStatus.DigitPressed, '#', 17280) },
    };

    [Theory]
    [MemberData(nameof(StreamFileReplies))]
    public async Task Stream_file_reply_is_typed(string scenario, string reply, PlaybackResult expected)
    {
        PlaybackResult result = await CommandHarness.ReplayAsync(scenario, "STREAM FILE tt-monkeys 12#", reply, s => s.StreamFileAsync("tt-monkeys", EscapeDigits.Parse("12#")));

        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData("beep", "", 0L, "STREAM FILE beep \"\"")]
    [InlineData("hello-world", "", 8000L, "STREAM FILE hello-world \"\" 8000")]
    [InlineData("tt-monkeys", "12#", 0L, "STREAM FILE tt-monkeys 12#")]
    [InlineData("custom/my prompt", "*", 0L, "STREAM FILE \"custom/my prompt\" *")]
    public async Task Stream_file_writes_file_mandatory_escape_digits_and_optional_offset(string file, string digits, long offset, string expected)
    {
        await using var harness = new CommandHarness();
        harness.Expect(expected, "200 result=0 endpos=3404");

        await harness.RunAsync(s => s.StreamFileAsync(file, EscapeDigits.Parse(digits), offset));
    }

    [Fact]
    public async Task Missing_file_on_a_live_call_is_failed_not_a_hangup()
    {
        // 02g: "200 result=-1 endpos=0"; the CHANNEL STATUS probe finds the call up (02a's "200 result=6").
        RecordedReplies.AssertRecorded("02g", "200 result=-1 endpos=0");
        RecordedReplies.AssertRecorded("02a", "200 result=6");
        await using var harness = new CommandHarness();
        harness.Expect("STREAM FILE nosuchfile \"\"", "200 result=-1 endpos=0")
            .Expect("CHANNEL STATUS", "200 result=6");

        PlaybackResult result = await harness.RunAsync(s => s.StreamFileAsync("nosuchfile"));

        Assert.Equal(new PlaybackResult(PlaybackStatus.Failed, null, 0), result);
        Assert.False(harness.Session.IsHungUp);
    }

    [Fact]
    public async Task Hangup_mid_playback_throws_even_though_HANGUP_follows_the_reply()
    {
        // 04b: the reply comes first and HANGUP ~40 ms later; the probe is refused with 511 on the dead channel.
        RecordedReplies.AssertRecorded("04b", "200 result=-1 endpos=12160\nHANGUP");
        RecordedReplies.AssertRecorded("04b", DeadChannel);
        await using var harness = new CommandHarness();
        harness.Expect("STREAM FILE tt-monkeys \"\"", "200 result=-1 endpos=12160")
            .Expect("CHANNEL STATUS", "HANGUP\n" + DeadChannel);

        AgiHangupException hangup = await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.StreamFileAsync("tt-monkeys")));

        Assert.Equal(AgiHangupReason.DeadChannel, hangup.Reason);
        Assert.Contains("STREAM FILE", hangup.Message, StringComparison.Ordinal);
        Assert.True(harness.Session.IsHungUp);
    }

    [Fact]
    public async Task Hangup_already_seen_when_the_reply_is_read_throws_without_a_probe()
    {
        // A script resumed through a synchronization context can see the HANGUP line processed before its own continuation.
        await using var harness = new CommandHarness();
        harness.Expect("STREAM FILE tt-monkeys \"\"", "HANGUP\n200 result=-1 endpos=12000");

        AgiHangupException hangup = await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.StreamFileAsync("tt-monkeys")));

        Assert.Equal(AgiHangupReason.DeadChannel, hangup.Reason);
        Assert.Equal("STREAM FILE tt-monkeys \"\"\n", Assert.Single(harness.Written));
    }

    [Fact]
    public async Task Hangup_with_agiexitonhangup_throws_connection_closed()
    {
        // 04i: AGIEXITONHANGUP=yes writes the reply, two HANGUP lines, then closes; the probe goes nowhere. The HANGUP lines
        // come with the probe, so that the script surely sends it: fed with the reply, they could be seen before the probe,
        // which then is not sent and the session reports a dead channel instead.
        RecordedReplies.AssertRecorded("04i", "200 result=-1 endpos=8160\nHANGUP\nHANGUP");
        await using var harness = new CommandHarness();
        harness.Expect("STREAM FILE tt-monkeys \"\"", "200 result=-1 endpos=8160");
        harness.ExpectThenClose("CHANNEL STATUS", "HANGUP\nHANGUP");

        AgiHangupException hangup = await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.StreamFileAsync("tt-monkeys")));

        Assert.Equal(AgiHangupReason.ConnectionClosed, hangup.Reason);
    }

    [Fact]
    public async Task Failure_once_the_hangup_is_known_throws_without_a_probe()
    {
        // The other order of 04b: the HANGUP line has been read before the script looks at the -1, so no CHANNEL STATUS is
        // needed (the strict harness fails on any command after the last step).
        await using var harness = new CommandHarness();
        harness.Send("HANGUP");
        harness.Expect("STREAM FILE tt-monkeys \"\"", "200 result=-1 endpos=12160");

        AgiHangupException hangup = await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.StreamFileAsync("tt-monkeys")));

        Assert.Equal(AgiHangupReason.DeadChannel, hangup.Reason);
        Assert.Equal(["STREAM FILE tt-monkeys \"\"\n"], harness.Written);
    }

    [Fact]
    public async Task Stream_file_on_a_dead_channel_throws()
    {
        RecordedReplies.AssertRecorded("04a", DeadChannel);
        await using var harness = new CommandHarness();
        harness.Send("HANGUP");
        harness.Expect("STREAM FILE beep \"\"", DeadChannel);

        await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.StreamFileAsync("beep")));
    }

    [Fact]
    public async Task Stream_file_refuses_bad_arguments_before_writing()
    {
        await using var harness = new CommandHarness();

        await Assert.ThrowsAsync<ArgumentException>(() => harness.RunAsync(s => s.StreamFileAsync("")));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => harness.RunAsync(s => s.StreamFileAsync("beep", sampleOffset: -1)));
        Assert.Empty(harness.Written);
    }

    public static TheoryData<string, string, ControlPlaybackResult> ControlStreamFileReplies => new()
    {
        // endpos is in milliseconds here, and -1 means "played to the end".
        { "02g", "200 result=0 endpos=-1", new(PlaybackStatus.Completed, null, null) },
        { "02g", "200 result=57 endpos=1420", new(PlaybackStatus.DigitPressed, '9', TimeSpan.FromMilliseconds(1420)) },
    };

    [Theory]
    [MemberData(nameof(ControlStreamFileReplies))]
    public async Task Control_stream_file_reply_is_typed(string scenario, string reply, ControlPlaybackResult expected)
    {
        ControlPlaybackResult result = await CommandHarness.ReplayAsync(scenario, "CONTROL STREAM FILE tt-monkeys 9", reply, s => s.ControlStreamFileAsync("tt-monkeys", EscapeDigits.Parse("9")));

        Assert.Equal(expected, result);
    }

    [Fact]
    public async Task Control_stream_file_of_a_missing_file_is_failed()
    {
        RecordedReplies.AssertRecorded("02g", "200 result=-1 endpos=-1");
        await using var harness = new CommandHarness();
        harness.Expect("CONTROL STREAM FILE nosuchfile \"\"", "200 result=-1 endpos=-1")
            .Expect("CHANNEL STATUS", "200 result=6");

        ControlPlaybackResult result = await harness.RunAsync(s => s.ControlStreamFileAsync("nosuchfile"));

        Assert.Equal(new ControlPlaybackResult(PlaybackStatus.Failed, null, null), result);
    }

    public static TheoryData<Func<AgiSession, ValueTask<ControlPlaybackResult>>, string> ControlStreamFileArguments => new()
    {
        { s => s.ControlStreamFileAsync("beep"), "CONTROL STREAM FILE beep \"\"" },
        { s => s.ControlStreamFileAsync("tt-monkeys", EscapeDigits.None, TimeSpan.FromSeconds(3), '#', '*', '0', TimeSpan.FromSeconds(5)), "CONTROL STREAM FILE tt-monkeys \"\" 3000 # * 0 5000" },
        { s => s.ControlStreamFileAsync("f", skip: TimeSpan.FromSeconds(5)), "CONTROL STREAM FILE f \"\" 5000" },
        { s => s.ControlStreamFileAsync("f", EscapeDigits.Parse("9"), pauseDigit: '5'), "CONTROL STREAM FILE f 9 3000 \"\" \"\" 5" },
        { s => s.ControlStreamFileAsync("f", offset: TimeSpan.FromMilliseconds(1420)), "CONTROL STREAM FILE f \"\" 3000 \"\" \"\" \"\" 1420" },
        { s => s.ControlStreamFileAsync("f", EscapeDigits.Parse("#"), fastForwardDigit: 'a'), "CONTROL STREAM FILE f # 3000 A" },
    };

    [Theory]
    [MemberData(nameof(ControlStreamFileArguments))]
    public async Task Control_stream_file_fills_positional_defaults_up_to_the_last_argument_given(Func<AgiSession, ValueTask<ControlPlaybackResult>> call, string expected)
    {
        await using var harness = new CommandHarness();
        harness.Expect(expected, "200 result=0 endpos=-1");

        await harness.RunAsync(call);
    }

    [Fact]
    public async Task Control_stream_file_refuses_a_control_key_that_is_not_dtmf()
    {
        await using var harness = new CommandHarness();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => harness.RunAsync(s => s.ControlStreamFileAsync("f", pauseDigit: 'x')));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => harness.RunAsync(s => s.ControlStreamFileAsync("f", skip: Timeout.InfiniteTimeSpan)));
        Assert.Empty(harness.Written);
    }
}
