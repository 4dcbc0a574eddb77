using FastAgi.Commands;
using FastAgi.Server;
using Xunit;

namespace FastAgi.Tests.Commands;

/// <summary>GET DATA, GET OPTION and WAIT FOR DIGIT: the bytes written and every recorded reply (02g, 02h, 04c, 04d).</summary>
public sealed class InputCommandTests
{
    private const string DeadChannel = "511 Command Not Permitted on a dead channel or intercept routine";

    public static TheoryData<string, string, GetDataResult> GetDataReplies => new()
    {
        // An empty entry with "(timeout)" is a timeout, not an error; "200 result=" alone is '#' pressed first.
        { "02h", "200 result= (timeout)", new(GetDataStatus.TimedOut, "") },
        { "02h", "200 result=123", new(GetDataStatus.Completed, "123") },
        { "02h", "200 result=98", new(GetDataStatus.Completed, "98") },
        { "02h", "200 result=12 (timeout)", new(GetDataStatus.TimedOut, "12") },
        { "02h", "200 result=4", new(GetDataStatus.Completed, "4") },
        { "02h", "200 result=", new(GetDataStatus.Completed, "") },
    };

    [Theory]
    [MemberData(nameof(GetDataReplies))]
    public async Task Get_data_reply_is_typed(string scenario, string reply, GetDataResult expected)
    {
        GetDataResult result = await CommandHarness.ReplayAsync(scenario, "GET DATA beep 5000 4", reply, s => s.GetDataAsync("beep", TimeSpan.FromSeconds(5), 4));

        Assert.Equal(expected, result);
        Assert.Equal(expected.Status == GetDataStatus.TimedOut, result.TimedOut);
    }

    public static TheoryData<Func<AgiSession, ValueTask<GetDataResult>>, string> GetDataArguments => new()
    {
        { s => s.GetDataAsync("beep"), "GET DATA beep" },
        { s => s.GetDataAsync("beep", TimeSpan.FromMilliseconds(1500), 4), "GET DATA beep 1500 4" },
        { s => s.GetDataAsync("beep", TimeSpan.FromSeconds(3)), "GET DATA beep 3000" },
        { s => s.GetDataAsync("beep", maxDigits: 2), "GET DATA beep 0 2" },
        { s => s.GetDataAsync("beep", Timeout.InfiniteTimeSpan, 10), "GET DATA beep -1 10" },
        { s => s.GetDataAsync("beep", TimeSpan.FromTicks(1)), "GET DATA beep 1" },
    };

    [Theory]
    [MemberData(nameof(GetDataArguments))]
    public async Task Get_data_writes_optional_positional_arguments(Func<AgiSession, ValueTask<GetDataResult>> call, string expected)
    {
        await using var harness = new CommandHarness();
        harness.Expect(expected, "200 result=4");

        await harness.RunAsync(call);
    }

    [Fact]
    public async Task Get_data_with_a_missing_prompt_is_failed()
    {
        RecordedReplies.AssertRecorded("02h", "200 result=-1");
        await using var harness = new CommandHarness();
        harness.Expect("GET DATA nosuchfile 1000 2", "200 result=-1").Expect("CHANNEL STATUS", "200 result=6");

        GetDataResult result = await harness.RunAsync(s => s.GetDataAsync("nosuchfile", TimeSpan.FromSeconds(1), 2));

        Assert.Equal(new GetDataResult(GetDataStatus.Failed, ""), result);
    }

    [Fact]
    public async Task Hangup_during_get_data_throws()
    {
        RecordedReplies.AssertRecorded("04d", "200 result=-1\nHANGUP");
        await using var harness = new CommandHarness();
        harness.Expect("GET DATA tt-monkeys 10000 4", "200 result=-1").Expect("CHANNEL STATUS", "HANGUP\n" + DeadChannel);

        await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.GetDataAsync("tt-monkeys", TimeSpan.FromSeconds(10), 4)));
    }

    [Fact]
    public async Task Get_data_refuses_a_zero_timeout_and_out_of_range_digit_counts()
    {
        // Asterisk reads a timeout of 0 as "the default", so TimeSpan.Zero would not mean what it says.
        await using var harness = new CommandHarness();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => harness.RunAsync(s => s.GetDataAsync("beep", TimeSpan.Zero)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => harness.RunAsync(s => s.GetDataAsync("beep", maxDigits: 0)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => harness.RunAsync(s => s.GetDataAsync("beep", maxDigits: AgiCommands.MaxGetDataDigits + 1)));
        Assert.Empty(harness.Written);
    }

    public static TheoryData<string, string, PlaybackResult> GetOptionReplies => new()
    {
        { "02g", "200 result=0 endpos=3404", new(PlaybackStatus.Completed, null, 3404) },
        { "02g", "200 result=50 endpos=3404", new(PlaybackStatus.DigitPressed, '2', 3404) },
        { "02g", "200 result=49 endpos=9760", new(PlaybackStatus.DigitPressed, '1', 9760) },
    };

    [Theory]
    [MemberData(nameof(GetOptionReplies))]
    public async Task Get_option_reply_is_typed(string scenario, string reply, PlaybackResult expected)
    {
        PlaybackResult result = await CommandHarness.ReplayAsync(scenario, "GET OPTION beep 12 1500", reply, s => s.GetOptionAsync("beep", EscapeDigits.Parse("12"), TimeSpan.FromMilliseconds(1500)));

        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData(null, "GET OPTION tt-monkeys 12")]
    [InlineData(0, "GET OPTION tt-monkeys 12 0")]
    [InlineData(-1, "GET OPTION tt-monkeys 12 -1")]
    public async Task Get_option_writes_the_timeout_only_when_given(int? milliseconds, string expected)
    {
        TimeSpan? timeout = milliseconds switch
        {
            null => null,
            -1 => Timeout.InfiniteTimeSpan,
            _ => TimeSpan.FromMilliseconds(milliseconds.Value),
        };
        await using var harness = new CommandHarness();
        harness.Expect(expected, "200 result=49 endpos=9760");

        await harness.RunAsync(s => s.GetOptionAsync("tt-monkeys", EscapeDigits.Parse("12"), timeout));
    }

    [Fact]
    public async Task Get_option_with_a_missing_prompt_is_failed()
    {
        RecordedReplies.AssertRecorded("02g", "200 result=-1 endpos=0");
        await using var harness = new CommandHarness();
        harness.Expect("GET OPTION nosuchfile 12 100", "200 result=-1 endpos=0").Expect("CHANNEL STATUS", "200 result=6");

        PlaybackResult result = await harness.RunAsync(s => s.GetOptionAsync("nosuchfile", EscapeDigits.Parse("12"), TimeSpan.FromMilliseconds(100)));

        Assert.Equal(new PlaybackResult(PlaybackStatus.Failed, null, 0), result);
    }

    public static TheoryData<string, string, WaitForDigitResult> WaitForDigitReplies => new()
    {
        { "02h", "200 result=0", new(WaitForDigitStatus.TimedOut, null) },
        { "02h", "200 result=55", new(WaitForDigitStatus.DigitPressed, '7') },
        { "02h", "200 result=42", new(WaitForDigitStatus.DigitPressed, '*') },
    };

    [Theory]
    [MemberData(nameof(WaitForDigitReplies))]
    public async Task Wait_for_digit_reply_is_typed(string scenario, string reply, WaitForDigitResult expected)
    {
        WaitForDigitResult result = await CommandHarness.ReplayAsync(scenario, "WAIT FOR DIGIT 5000", reply, s => s.WaitForDigitAsync(TimeSpan.FromSeconds(5)));

        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData(1000, "WAIT FOR DIGIT 1000")]
    [InlineData(-1, "WAIT FOR DIGIT -1")]
    [InlineData(0, "WAIT FOR DIGIT 0")]
    public async Task Wait_for_digit_writes_milliseconds_and_minus_one_for_infinite(int milliseconds, string expected)
    {
        TimeSpan timeout = milliseconds < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(milliseconds);
        await using var harness = new CommandHarness();
        harness.Expect(expected, "200 result=0");

        await harness.RunAsync(s => s.WaitForDigitAsync(timeout));
    }

    [Fact]
    public async Task Hangup_during_wait_for_digit_throws()
    {
        RecordedReplies.AssertRecorded("04c", "200 result=-1\nHANGUP");
        await using var harness = new CommandHarness();
        harness.Expect("WAIT FOR DIGIT 10000", "200 result=-1").Expect("CHANNEL STATUS", "HANGUP\n" + DeadChannel);

        await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.WaitForDigitAsync(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public async Task Wait_for_digit_channel_failure_on_a_live_call_is_failed()
    {
        await using var harness = new CommandHarness();
        harness.Expect("WAIT FOR DIGIT 10000", "200 result=-1").Expect("CHANNEL STATUS", "200 result=6");

        WaitForDigitResult result = await harness.RunAsync(s => s.WaitForDigitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(new WaitForDigitResult(WaitForDigitStatus.Failed, null), result);
    }

    [Fact]
    public async Task Wait_for_digit_interrupted_by_another_command_is_not_mistaken_for_a_digit()
    {
        // 02h: "200 result=1" when a new command arrived early; the session never sends one, so it is not a valid reply.
        RecordedReplies.AssertRecorded("02h", "200 result=1");
        await using var harness = new CommandHarness();
        harness.Expect("WAIT FOR DIGIT 10000", "200 result=1");

        await Assert.ThrowsAsync<AgiCommandException>(() => harness.RunAsync(s => s.WaitForDigitAsync(TimeSpan.FromSeconds(10))));
    }
}
