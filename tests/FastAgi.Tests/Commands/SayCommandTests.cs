using FastAgi.Commands;
using FastAgi.Server;
using Xunit;

namespace FastAgi.Tests.Commands;

/// <summary>SAY ALPHA, DIGITS, NUMBER, PHONETIC, DATE, TIME and DATETIME (02i).</summary>
public sealed class SayCommandTests
{
    private const string DeadChannel = "511 Command Not Permitted on a dead channel or intercept routine";

    public static TheoryData<Func<AgiSession, ValueTask<SayResult>>, string> SayArguments => new()
    {
        { s => s.SayAlphaAsync("abc"), "SAY ALPHA abc \"\"" },
        { s => s.SayAlphaAsync("aBc", letterCase: SayAlphaCase.Upper), "SAY ALPHA aBc \"\" u" },
        { s => s.SayAlphaAsync("aBc", EscapeDigits.Parse("#"), SayAlphaCase.Lower), "SAY ALPHA aBc # l" },
        { s => s.SayAlphaAsync("a b", letterCase: SayAlphaCase.All), "SAY ALPHA \"a b\" \"\" a" },
        { s => s.SayDigitsAsync("123"), "SAY DIGITS 123 \"\"" },
        { s => s.SayDigitsAsync("0042", EscapeDigits.Any), "SAY DIGITS 0042 0123456789*#ABCD" },
        { s => s.SayNumberAsync(42), "SAY NUMBER 42 \"\"" },
        { s => s.SayNumberAsync(42, gender: "f"), "SAY NUMBER 42 \"\" f" },
        { s => s.SayNumberAsync(-7), "SAY NUMBER -7 \"\"" },
        { s => s.SayNumberAsync(123456789, EscapeDigits.Parse("#5")), "SAY NUMBER 123456789 #5" },
        { s => s.SayPhoneticAsync("ab1"), "SAY PHONETIC ab1 \"\"" },
        { s => s.SayDateAsync(DateTimeOffset.UnixEpoch), "SAY DATE 0 \"\"" },
        { s => s.SayTimeAsync(DateTimeOffset.UnixEpoch), "SAY TIME 0 \"\"" },
        { s => s.SayDateTimeAsync(DateTimeOffset.UnixEpoch), "SAY DATETIME 0 \"\"" },
        { s => s.SayDateTimeAsync(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), format: "IMp", timeZone: "UTC"), "SAY DATETIME 1700000000 \"\" IMp UTC" },
        { s => s.SayDateTimeAsync(new DateTimeOffset(2023, 11, 14, 23, 13, 20, TimeSpan.FromHours(1)), format: "ABdY"), "SAY DATETIME 1700000000 \"\" ABdY" },
        { s => s.SayDateTimeAsync(DateTimeOffset.UnixEpoch, timeZone: "Europe/Paris"), "SAY DATETIME 0 \"\" \"ABdY 'digits/at' IMp\" Europe/Paris" },
    };

    [Theory]
    [MemberData(nameof(SayArguments))]
    public async Task Say_commands_always_send_the_escape_digits(Func<AgiSession, ValueTask<SayResult>> call, string expected)
    {
        SayResult result = await CommandHarness.ReplayAsync("02i", expected, "200 result=0", call);

        Assert.Equal(new SayResult(PlaybackStatus.Completed, null), result);
    }

    [Fact]
    public async Task Escape_digit_pressed_is_the_digit()
    {
        SayResult result = await CommandHarness.ReplayAsync(
            "02i", "SAY NUMBER 123456789 #5", "200 result=53", s => s.SayNumberAsync(123456789, EscapeDigits.Parse("#5")));

        Assert.Equal(new SayResult(PlaybackStatus.DigitPressed, '5'), result);
    }

    [Fact]
    public async Task Missing_sound_on_a_live_call_is_failed()
    {
        await using var harness = new CommandHarness();
        harness.Expect("SAY DIGITS 123 \"\"", "200 result=-1").Expect("CHANNEL STATUS", "200 result=6");

        Assert.Equal(new SayResult(PlaybackStatus.Failed, null), await harness.RunAsync(s => s.SayDigitsAsync("123")));
    }

    [Fact]
    public async Task Hangup_while_saying_throws()
    {
        await using var harness = new CommandHarness();
        harness.Expect("SAY NUMBER 42 \"\"", "200 result=-1").Expect("CHANNEL STATUS", "HANGUP\n" + DeadChannel);

        await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.SayNumberAsync(42)));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("12a")]
    [InlineData("")]
    public async Task Say_digits_refuses_anything_but_decimal_digits(string digits)
    {
        await using var harness = new CommandHarness();

        await Assert.ThrowsAsync<ArgumentException>(() => harness.RunAsync(s => s.SayDigitsAsync(digits)));
        Assert.Empty(harness.Written);
    }
}
