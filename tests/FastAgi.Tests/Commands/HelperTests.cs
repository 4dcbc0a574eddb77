using FastAgi.Commands;
using FastAgi.Server;
using Xunit;

namespace FastAgi.Tests.Commands;

/// <summary>PlayPrompts, CollectDigits, Menu and Set/GetVariables against scripted Asterisk sessions, hangups in the middle included.</summary>
public sealed class HelperTests
{
    private const string DeadChannel = "511 Command Not Permitted on a dead channel or intercept routine";
    private const string AnyDigit = "0123456789*#ABCD";

    [Fact]
    public async Task Play_prompts_stops_at_the_first_digit()
    {
        await using var harness = new CommandHarness();
        harness.Expect($"STREAM FILE welcome {AnyDigit}", "200 result=0 endpos=3404")
            .Expect($"STREAM FILE menu {AnyDigit}", "200 result=50 endpos=1200");

        PlaybackResult result = await harness.RunAsync(s => s.PlayPromptsAsync(["welcome", "menu", "options"], EscapeDigits.Any));

        Assert.Equal(new PlaybackResult(PlaybackStatus.DigitPressed, '2', 1200), result);
    }

    [Fact]
    public async Task Play_prompts_plays_them_all_without_a_digit()
    {
        await using var harness = new CommandHarness();
        harness.Expect("STREAM FILE you-have #", "200 result=0 endpos=8000")
            .Expect("STREAM FILE digits/5 #", "200 result=0 endpos=4000")
            .Expect("STREAM FILE messages #", "200 result=0 endpos=6000");

        PlaybackResult result = await harness.RunAsync(s => s.PlayPromptsAsync(["you-have", "digits/5", "messages"], EscapeDigits.Parse("#")));

        Assert.Equal(new PlaybackResult(PlaybackStatus.Completed, null, 6000), result);
    }

    [Fact]
    public async Task Play_prompts_stops_at_a_missing_prompt()
    {
        await using var harness = new CommandHarness();
        harness.Expect("STREAM FILE you-have \"\"", "200 result=0 endpos=8000")
            .Expect("STREAM FILE nosuchfile \"\"", "200 result=-1 endpos=0")
            .Expect("CHANNEL STATUS", "200 result=6");

        PlaybackResult result = await harness.RunAsync(s => s.PlayPromptsAsync(["you-have", "nosuchfile", "messages"], EscapeDigits.None));

        Assert.Equal(PlaybackStatus.Failed, result.Status);
    }

    [Fact]
    public async Task Play_prompts_hangup_in_the_middle_throws_and_plays_nothing_more()
    {
        await using var harness = new CommandHarness();
        harness.Expect($"STREAM FILE welcome {AnyDigit}", "200 result=0 endpos=3404")
            .Expect($"STREAM FILE menu {AnyDigit}", "200 result=-1 endpos=12160")
            .Expect("CHANNEL STATUS", "HANGUP\n" + DeadChannel);

        await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.PlayPromptsAsync(["welcome", "menu", "options"], EscapeDigits.Any)));

        Assert.Equal(3, harness.Written.Count);
        Assert.True(harness.Session.HangupToken.IsCancellationRequested);
    }

    [Fact]
    public async Task Collect_digits_with_hash_is_one_get_data()
    {
        await using var harness = new CommandHarness();
        harness.Expect("GET DATA enter-pin 3000 4", "200 result=12 (timeout)");

        GetDataResult result = await harness.RunAsync(s => s.CollectDigitsAsync("enter-pin", 4, TimeSpan.FromSeconds(3)));

        Assert.Equal(new GetDataResult(GetDataStatus.TimedOut, "12"), result);
    }

    [Fact]
    public async Task Collect_digits_with_another_terminator_plays_then_waits_digit_by_digit()
    {
        await using var harness = new CommandHarness();
        harness.Expect($"STREAM FILE enter-pin {AnyDigit}", "200 result=49 endpos=800")
            .Expect("WAIT FOR DIGIT 3000", "200 result=50")
            .Expect("WAIT FOR DIGIT 3000", "200 result=42");

        GetDataResult result = await harness.RunAsync(s => s.CollectDigitsAsync("enter-pin", 4, TimeSpan.FromSeconds(3), '*'));

        Assert.Equal(new GetDataResult(GetDataStatus.Completed, "12"), result);
    }

    [Fact]
    public async Task Collect_digits_terminator_during_the_prompt_gives_empty_input()
    {
        await using var harness = new CommandHarness();
        harness.Expect($"STREAM FILE enter-pin {AnyDigit}", "200 result=42 endpos=800");

        GetDataResult result = await harness.RunAsync(s => s.CollectDigitsAsync("enter-pin", 4, TimeSpan.FromSeconds(3), '*'));

        Assert.Equal(new GetDataResult(GetDataStatus.Completed, ""), result);
    }

    [Fact]
    public async Task Collect_digits_without_prompt_or_terminator_stops_at_the_maximum()
    {
        await using var harness = new CommandHarness();
        harness.Expect("WAIT FOR DIGIT -1", "200 result=35")
            .Expect("WAIT FOR DIGIT -1", "200 result=57");

        GetDataResult result = await harness.RunAsync(s => s.CollectDigitsAsync(null, 2, Timeout.InfiniteTimeSpan, terminator: null));

        Assert.Equal(new GetDataResult(GetDataStatus.Completed, "#9"), result);
    }

    [Fact]
    public async Task Collect_digits_timeout_keeps_what_was_typed()
    {
        await using var harness = new CommandHarness();
        harness.Expect("WAIT FOR DIGIT 2000", "200 result=55")
            .Expect("WAIT FOR DIGIT 2000", "200 result=0");

        GetDataResult result = await harness.RunAsync(s => s.CollectDigitsAsync(null, 4, TimeSpan.FromSeconds(2), '*'));

        Assert.Equal(new GetDataResult(GetDataStatus.TimedOut, "7"), result);
        Assert.True(result.TimedOut);
    }

    [Fact]
    public async Task Collect_digits_hangup_in_the_middle_throws()
    {
        await using var harness = new CommandHarness();
        harness.Expect($"STREAM FILE enter-pin {AnyDigit}", "200 result=0 endpos=3404")
            .Expect("WAIT FOR DIGIT 3000", "200 result=49")
            .Expect("WAIT FOR DIGIT 3000", "200 result=-1")
            .Expect("CHANNEL STATUS", "HANGUP\n" + DeadChannel);

        await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.CollectDigitsAsync("enter-pin", 4, TimeSpan.FromSeconds(3), '*')));
    }

    [Fact]
    public async Task Menu_retries_with_invalid_and_timeout_prompts_until_a_valid_choice()
    {
        await using var harness = new CommandHarness();
        harness.Expect($"GET OPTION main-menu {AnyDigit} 4000", "200 result=57 endpos=3404")
            .Expect("STREAM FILE option-is-invalid \"\"", "200 result=0 endpos=9000")
            .Expect($"GET OPTION main-menu {AnyDigit} 4000", "200 result=0 endpos=3404")
            .Expect("STREAM FILE are-you-still-there \"\"", "200 result=0 endpos=7000")
            .Expect($"GET OPTION main-menu {AnyDigit} 4000", "200 result=50 endpos=1000");

        MenuResult result = await harness.RunAsync(s => s.MenuAsync(
            "main-menu", EscapeDigits.Parse("123"), attempts: 3, TimeSpan.FromSeconds(4), invalidPrompt: "option-is-invalid", timeoutPrompt: "are-you-still-there"));

        Assert.Equal(new MenuResult(MenuStatus.Selected, '2', 3), result);
    }

    [Fact]
    public async Task Menu_without_valid_input_gives_up_after_the_attempts()
    {
        await using var harness = new CommandHarness();
        harness.Expect($"GET OPTION main-menu {AnyDigit}", "200 result=0 endpos=3404")
            .Expect($"GET OPTION main-menu {AnyDigit}", "200 result=35 endpos=3404");

        MenuResult result = await harness.RunAsync(s => s.MenuAsync("main-menu", EscapeDigits.Parse("12"), attempts: 2));

        Assert.Equal(new MenuResult(MenuStatus.NoValidInput, null, 2), result);
    }

    [Fact]
    public async Task Menu_with_a_missing_prompt_is_failed()
    {
        await using var harness = new CommandHarness();
        harness.Expect($"GET OPTION nosuchmenu {AnyDigit}", "200 result=-1 endpos=0")
            .Expect("CHANNEL STATUS", "200 result=6");

        MenuResult result = await harness.RunAsync(s => s.MenuAsync("nosuchmenu", EscapeDigits.Parse("12")));

        Assert.Equal(new MenuResult(MenuStatus.Failed, null, 1), result);
    }

    [Fact]
    public async Task Menu_hangup_in_the_middle_throws()
    {
        await using var harness = new CommandHarness();
        harness.Expect($"GET OPTION main-menu {AnyDigit}", "200 result=57 endpos=3404")
            .Expect("STREAM FILE option-is-invalid \"\"", "200 result=-1 endpos=4000")
            .Expect("CHANNEL STATUS", "HANGUP\n" + DeadChannel);

        await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.MenuAsync("main-menu", EscapeDigits.Parse("12"), invalidPrompt: "option-is-invalid")));
    }

    [Fact]
    public async Task Menu_hangup_during_the_menu_prompt_throws()
    {
        await using var harness = new CommandHarness();
        harness.ExpectThenClose($"GET OPTION main-menu {AnyDigit}", "200 result=-1 endpos=8160\nHANGUP\nHANGUP");

        AgiHangupException hangup = await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.MenuAsync("main-menu", EscapeDigits.Parse("12"))));

        // The HANGUP lines came with the reply: the session knows the call is over before the helper looks, so no probe is sent.
        Assert.Equal(AgiHangupReason.DeadChannel, hangup.Reason);
        Assert.Equal([$"GET OPTION main-menu {AnyDigit}\n"], harness.Written);
    }

    [Fact]
    public async Task Set_and_get_variables_one_command_each()
    {
        await using var harness = new CommandHarness();
        harness.Expect("SET VARIABLE LANG fr", "200 result=1")
            .Expect("SET VARIABLE ACCOUNT \"12 34\"", "200 result=1")
            .Expect("GET VARIABLE LANG", "200 result=1 (fr)")
            .Expect("GET VARIABLE NEVER_SET", "200 result=0");

        IReadOnlyDictionary<string, string?> values = await harness.RunAsync(async s =>
        {
            await s.SetVariablesAsync([new("LANG", "fr"), new("ACCOUNT", "12 34")]);
            return await s.GetVariablesAsync(["LANG", "NEVER_SET", "LANG"]);
        });

        Assert.Equal("fr", values["LANG"]);
        Assert.Null(values["NEVER_SET"]);
        Assert.Equal(2, values.Count);
    }

    [Fact]
    public async Task Get_variables_works_after_hangup_and_fails_when_the_connection_closes()
    {
        await using var harness = new CommandHarness();
        harness.Send("HANGUP");
        harness.Expect("GET VARIABLE DIALSTATUS", "200 result=1 (CANCEL)")
            .ExpectThenClose("GET VARIABLE HANGUPCAUSE");

        AgiHangupException closed = await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.GetVariablesAsync(["DIALSTATUS", "HANGUPCAUSE"])));

        Assert.Equal(AgiHangupReason.ConnectionClosed, closed.Reason);
    }
}
