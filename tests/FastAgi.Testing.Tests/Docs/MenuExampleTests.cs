using FastAgi.Commands;
using FastAgi.Server;
using FastAgi.Testing.Engine;

namespace FastAgi.Testing.Tests.Docs;

/// <summary>The script under test: 1 goes to sales, 2 to support; a wrong key or no key plays a message and asks again, three times at most.</summary>
public static class MainMenu
{
    public static async Task RunAsync(AgiSession call, CancellationToken hangup)
    {
        await call.AnswerAsync(hangup);
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            GetDataResult key = await call.GetDataAsync("main-menu", TimeSpan.FromSeconds(5), maxDigits: 1, hangup);
            string? queue = key.Digits switch { "1" => "sales", "2" => "support", _ => null };
            if (queue is not null)
            {
                await call.SetVariableAsync("QUEUE", queue, hangup);
                await call.ExecAsync("Queue", queue, hangup);
                return;
            }

            await call.StreamFileAsync(key.TimedOut ? "are-you-still-there" : "option-is-invalid", cancellationToken: hangup);
        }

        await call.StreamFileAsync("goodbye", cancellationToken: hangup);
        await call.HangupAsync(hangup);
    }
}

public sealed class MenuExampleTests
{
    [Fact]
    public async Task Pressing_1_goes_to_sales()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Caller.Presses("1");

        FakeCallResult call = await asterisk.CallAsync(MainMenu.RunAsync);

        call.AssertCommands("ANSWER", "GET DATA main-menu 5000 1", "SET VARIABLE QUEUE sales", "EXEC Queue sales");
        Assert.Equal("sales", call.VariablesSet["QUEUE"]);
        Assert.Equal("SUCCESS", call.AgiStatus);
    }

    [Fact]
    public async Task An_invalid_key_plays_a_message_and_asks_again()
    {
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Strict = true });
        asterisk.Expect("ANSWER");
        asterisk.Expect("GET DATA main-menu").ReplyDigits("9");
        asterisk.Expect("STREAM FILE option-is-invalid");
        asterisk.Expect("GET DATA main-menu").ReplyDigits("2");
        asterisk.Expect("SET VARIABLE QUEUE support");
        asterisk.Expect("EXEC Queue support");

        FakeCallResult call = await asterisk.CallAsync(MainMenu.RunAsync);

        Assert.Equal("support", call.VariablesSet["QUEUE"]);
    }

    [Fact]
    public async Task A_silent_caller_is_asked_three_times_then_hung_up_on()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Caller.StaysSilent().StaysSilent().StaysSilent();

        FakeCallResult call = await asterisk.CallAsync(MainMenu.RunAsync);

        call.AssertCommands(
            "ANSWER",
            "GET DATA main-menu", "STREAM FILE are-you-still-there",
            "GET DATA main-menu", "STREAM FILE are-you-still-there",
            "GET DATA main-menu", "STREAM FILE are-you-still-there",
            "STREAM FILE goodbye", "HANGUP");
        Assert.Equal("200 result= (timeout)\n", call.Commands[1].Reply);
        Assert.Equal(AsteriskHangupSource.Script, call.HangupSource);
        Assert.Empty(call.VariablesSet);
    }

    [Fact]
    public async Task A_caller_who_hangs_up_during_the_message_reaches_no_queue()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Caller.Presses("7");
        asterisk.Caller.HangsUpDuring("STREAM FILE option-is-invalid");

        FakeCallResult call = await asterisk.CallAsync(MainMenu.RunAsync);

        FakeCommand message = call.Commands.Single(c => c.Name == "STREAM FILE");
        Assert.Equal("200 result=-1 endpos=4000\n", message.Reply);
        Assert.True(call.CallerHungUp);
        Assert.Equal("HANGUP", call.AgiStatus);
        Assert.DoesNotContain(call.Commands, c => c.Name == "EXEC");
    }
}
