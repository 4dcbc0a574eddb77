namespace MyIvr.Tests;

/// <summary>The main menu against FastAgi.Testing's fake Asterisk: it answers every command as Asterisk 22 does.</summary>
public sealed class MainMenuTests
{
    [Fact]
    public async Task Pressing_1_chooses_sales()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Caller.Presses("1");

        FakeCallResult call = await asterisk.CallAsync<MainMenu>();

        call.AssertCommands("ANSWER", "GET DATA main-menu 5000 1", "SET VARIABLE QUEUE sales");
        Assert.Equal("sales", call.VariablesSet["QUEUE"]);
        Assert.Equal("SUCCESS", call.AgiStatus);
    }

    [Fact]
    public async Task A_wrong_key_asks_again()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Caller.Presses("9");
        asterisk.Expect("STREAM FILE option-is-invalid");
        asterisk.Caller.Presses("2");

        FakeCallResult call = await asterisk.CallAsync<MainMenu>();

        Assert.Equal("support", call.VariablesSet["QUEUE"]);
    }

    [Fact]
    public async Task A_silent_caller_hears_goodbye()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Caller.StaysSilent().StaysSilent().StaysSilent();

        FakeCallResult call = await asterisk.CallAsync<MainMenu>();

        Assert.Equal("HANGUP", call.Commands[^1].Line);
        Assert.Empty(call.VariablesSet);
    }

    [Fact]
    public async Task A_caller_who_hangs_up_reaches_no_queue()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Caller.HangsUpAtNextPrompt();

        FakeCallResult call = await asterisk.CallAsync<MainMenu>();

        Assert.True(call.CallerHungUp);
        Assert.Empty(call.VariablesSet);
    }
}
