using FastAgi.Protocol;
using FastAgi.Server;
using FastAgi.Testing.Engine;
using FastAgi.Testing.Tests.Support;

namespace FastAgi.Testing.Tests;

/// <summary>The caller hangs up at different points; each time the script's hangup token fires and the call ends as Asterisk's would.</summary>
public sealed class HangupTests
{
    /// <summary>A script that plays prompts until its hangup token fires, and records what it saw.</summary>
    private sealed class PromptLoop
    {
        public bool TokenFired { get; private set; }

        public bool IsHungUpAtEnd { get; private set; }

        public Exception? Ended { get; private set; }

        public async Task RunAsync(AgiSession session, CancellationToken hangup)
        {
            try
            {
                await session.SendCommandAsync("ANSWER", hangup);
                for (int i = 0; i < 5; i++)
                {
                    await session.SendCommandAsync("STREAM FILE", ["prompt-" + i, "#"], hangup);
                }

                await session.SendCommandAsync("WAIT FOR DIGIT", ["5000"], hangup);

                // Idle: nothing to do until the caller leaves.
                await Task.Delay(Timeout.Infinite, hangup);
            }
            catch (Exception ex) when (ex is AgiHangupException or OperationCanceledException)
            {
                Ended = ex;
            }
            finally
            {
                TokenFired = hangup.IsCancellationRequested;
                IsHungUpAtEnd = session.IsHungUp;
            }
        }
    }

    [Fact]
    public async Task Before_the_first_command()
    {
        var script = new PromptLoop();
        var asterisk = new FakeAsterisk();
        asterisk.Caller.HangsUp();
        FakeCallResult call = await asterisk.CallAsync(script.RunAsync);

        Assert.True(script.TokenFired);
        Assert.True(call.CallerHungUp);
        Assert.Equal("HANGUP", call.AgiStatus);
        Assert.All(call.Commands, static c => Assert.StartsWith("511", c.Reply, StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_the_second_command_while_idle()
    {
        var script = new PromptLoop();
        var asterisk = new FakeAsterisk();
        asterisk.Caller.HangsUpAfter(2);
        FakeCallResult call = await asterisk.CallAsync(script.RunAsync);

        Assert.True(script.TokenFired);
        Assert.True(script.Ended is AgiHangupException or OperationCanceledException);
        Assert.Equal(["ANSWER", "STREAM FILE prompt-0 #", "STREAM FILE prompt-1 #"], call.CommandLines);
        Assert.Equal("511 Command Not Permitted on a dead channel or intercept routine\n", call.Commands[2].Reply);
        Assert.Contains("<- 200 result=0 endpos=8000\n** caller hangs up\n<- HANGUP\n-> STREAM FILE prompt-1 #", call.Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task During_a_prompt_the_prompt_gets_the_hangup_reply()
    {
        var script = new PromptLoop();
        var asterisk = new FakeAsterisk();
        asterisk.Caller.HangsUpDuring("STREAM FILE prompt-3");
        FakeCallResult call = await asterisk.CallAsync(script.RunAsync);

        Assert.True(script.TokenFired);
        FakeCommand prompt = call.Commands.Single(static c => c.Line == "STREAM FILE prompt-3 #");
        Assert.Equal("200 result=-1 endpos=4000\n", prompt.Reply);
        Assert.True(prompt.HungUp);
        Assert.Equal("HANGUP", call.AgiStatus);
    }

    [Fact]
    public async Task At_the_next_prompt_after_the_queued_digits()
    {
        var script = new PromptLoop();
        var asterisk = new FakeAsterisk();
        asterisk.Caller.Presses("#").HangsUpAtNextPrompt();
        FakeCallResult call = await asterisk.CallAsync(script.RunAsync);

        Assert.True(script.TokenFired);
        Assert.Equal("200 result=35 endpos=4000\n", call.Commands[1].Reply);
        Assert.Equal("200 result=-1 endpos=4000\n", call.Commands[2].Reply);
    }

    [Fact]
    public async Task While_the_script_waits_for_a_digit()
    {
        var script = new PromptLoop();
        var asterisk = new FakeAsterisk();
        asterisk.Expect("WAIT FOR DIGIT").CallerHangsUp();
        FakeCallResult call = await asterisk.CallAsync(script.RunAsync);

        Assert.True(script.TokenFired);
        Assert.Equal("200 result=-1\n", call.Commands[^1].Reply);
        Assert.Equal(7, call.Commands.Count);
    }

    [Fact]
    public async Task After_an_expected_reply()
    {
        var script = new PromptLoop();
        var asterisk = new FakeAsterisk();
        asterisk.Expect("ANSWER").ThenHangUp();
        FakeCallResult call = await asterisk.CallAsync(script.RunAsync);

        Assert.True(script.TokenFired);
        Assert.Equal("200 result=0\n", call.Commands[0].Reply);
        Assert.True(call.CallerHungUp);
    }

    [Fact]
    public async Task Dead_channel_commands_still_work_after_the_hangup()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Caller.HangsUp();
        var replies = new List<string>();
        FakeCallResult call = await asterisk.CallAsync(async (session, hangup) =>
        {
            await hangup.WhenCancelled();
            foreach (string command in (string[])["NOOP", "VERBOSE", "GET VARIABLE", "SET VARIABLE", "DATABASE PUT", "EXEC"])
            {
                string[] arguments = command switch
                {
                    "VERBOSE" => ["bye", "1"],
                    "GET VARIABLE" => ["HANGUPCAUSE"],
                    "SET VARIABLE" => ["DONE", "1"],
                    "DATABASE PUT" => ["calls", "last", "hangup"],
                    "EXEC" => ["NoOp", "x"],
                    _ => [],
                };
                replies.Add((await session.SendCommandAsync(command, arguments, CancellationToken.None)).ToString());
            }

            await Assert.ThrowsAsync<AgiHangupException>(async () => await session.SendCommandAsync("STREAM FILE", ["x", ""], CancellationToken.None));
        });

        Assert.Equal(["200 result=0", "200 result=1", "200 result=1 (16)", "200 result=1", "200 result=1", "200 result=0"], replies);
        Assert.Equal("1", call.VariablesSet["DONE"]);
        Assert.Equal(1, call.Transcript.Split('\n').Count(static line => line == "<- HANGUP") - 1);
    }

    [Fact]
    public async Task The_scripts_own_hangup_is_followed_by_the_hangup_line()
    {
        var asterisk = new FakeAsterisk();
        bool tokenFired = false;
        FakeCallResult call = await asterisk.CallAsync(async (session, hangup) =>
        {
            AgiReply reply = await session.SendCommandAsync("HANGUP", hangup);
            Assert.Equal("1", reply.Result);
            await hangup.WhenCancelled();
            tokenFired = true;
        });

        Assert.True(tokenFired);
        Assert.Equal(AsteriskHangupSource.Script, call.HangupSource);
        Assert.Equal("HANGUP", call.AgiStatus);
    }

    [Fact]
    public async Task With_AGIEXITONHANGUP_Asterisk_closes_and_the_script_sees_the_connection_closed()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Channel.Variables["AGIEXITONHANGUP"] = "yes";
        asterisk.Caller.HangsUpAfter(1);
        AgiHangupException? closed = null;
        FakeCallResult call = await asterisk.CallAsync(async (session, hangup) =>
        {
            await session.SendCommandAsync("ANSWER", hangup);
            await hangup.WhenCancelled();
            closed = await Assert.ThrowsAsync<AgiHangupException>(async () => await session.SendCommandAsync("NOOP", CancellationToken.None));
        });

        Assert.Equal(FakeCallEnding.AsteriskClosed, call.Ending);
        Assert.NotNull(closed);
        Assert.Contains("<- HANGUP\n<- HANGUP\n** Asterisk leaves the AGI", call.Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_AGISIGHUP_no_there_is_no_hangup_line_only_511()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Channel.Variables["AGISIGHUP"] = "no";
        asterisk.Caller.HangsUpAfter(1);
        FakeCallResult call = await asterisk.CallAsync(async (session, hangup) =>
        {
            await session.SendCommandAsync("ANSWER", hangup);
            Assert.False(session.IsHungUp);
            await Assert.ThrowsAsync<AgiHangupException>(async () => await session.SendCommandAsync("ANSWER", hangup));
        });

        Assert.DoesNotContain("<- HANGUP", call.Transcript, StringComparison.Ordinal);
        Assert.True(call.CallerHungUp);
    }
}
