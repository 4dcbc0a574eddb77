using FastAgi.Commands;
using FastAgi.Server;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>
/// One hangup rule whatever token a script passes: a hangup during a command is <see cref="AgiHangupException"/> (never a
/// cancellation), and the clean-up a script runs afterwards works, with the hangup token, a token linked to it, or none.
/// </summary>
public sealed class HangupRuleTests
{
    /// <summary>Which token the script passes to every command.</summary>
    public enum TokenPassed
    {
        /// <summary>None: <see cref="CancellationToken.None"/>.</summary>
        None,

        /// <summary>The script's hangup token, as the README's scripts do.</summary>
        Hangup,

        /// <summary>A token linked to the hangup token and to a timeout of the script's own that never fires.</summary>
        Linked,
    }

    /// <summary>Commands that talk to the channel, each with the words the caller hangs up during.</summary>
    public static TheoryData<string, TokenPassed> ChannelCommands
    {
        get
        {
            var data = new TheoryData<string, TokenPassed>();
            foreach (string command in ChannelCommandCalls.Keys)
            {
                foreach (TokenPassed token in Enum.GetValues<TokenPassed>())
                {
                    data.Add(command, token);
                }
            }

            return data;
        }
    }

    public static TheoryData<TokenPassed> Tokens => [.. Enum.GetValues<TokenPassed>()];

    private static Dictionary<string, Func<AgiSession, CancellationToken, Task>> ChannelCommandCalls { get; } = new()
    {
        ["STREAM FILE"] = static (call, token) => call.StreamFileAsync("welcome", EscapeDigits.Parse("#"), cancellationToken: token).AsTask(),
        ["GET DATA"] = static (call, token) => call.GetDataAsync("enter-account", TimeSpan.FromSeconds(5), 6, token).AsTask(),
        ["WAIT FOR DIGIT"] = static (call, token) => call.WaitForDigitAsync(TimeSpan.FromSeconds(5), token).AsTask(),
        ["GET OPTION"] = static (call, token) => call.GetOptionAsync("menu", EscapeDigits.Parse("12"), TimeSpan.FromSeconds(3), token).AsTask(),
        ["SAY DIGITS"] = static (call, token) => call.SayDigitsAsync("1234", cancellationToken: token).AsTask(),
        ["CONTROL STREAM FILE"] = static (call, token) => call.ControlStreamFileAsync("welcome", EscapeDigits.Parse("#"), cancellationToken: token).AsTask(),
        ["ANSWER"] = static (call, token) => call.AnswerAsync(token).AsTask(),
    };

    [Theory]
    [MemberData(nameof(ChannelCommands))]
    public async Task Hangup_during_a_channel_command_is_a_hangup_exception_and_clean_up_runs(string command, TokenPassed passed)
    {
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("ivr", async (call, hangup) =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromHours(1));
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(hangup, timeout.Token);
            CancellationToken token = passed switch
            {
                TokenPassed.Hangup => hangup,
                TokenPassed.Linked => linked.Token,
                _ => CancellationToken.None,
            };

            try
            {
                await ChannelCommandCalls[command](call, token);
                outcome.TrySetResult(new InvalidOperationException($"{command} returned although the caller hung up."));
            }
            catch (Exception ex)
            {
                outcome.TrySetResult(ex);
            }

            await CleanUpAsync(call, token);
        }));

        var fake = new FakeAsterisk();
        fake.Environment.Script("ivr");
        fake.Channel.Variables["ACCOUNT"] = "42\nwith a line feed";
        fake.Caller.HangsUpDuring(command);

        FakeCallResult result = await fake.CallAsync(server.Endpoint).WaitOrFail("the call");
        Assert.True(result.Succeeded, result.Failure);
        AgiHangupException hangupException = Assert.IsType<AgiHangupException>(await outcome.Task.WaitOrFail("the command's outcome"));
        Assert.Equal(AgiHangupReason.DeadChannel, hangupException.Reason);
        AssertCleanedUp(result);
    }

    [Theory]
    [MemberData(nameof(Tokens))]
    public async Task Hangup_during_record_file_is_its_hangup_result_and_clean_up_runs(TokenPassed passed)
    {
        var recorded = new TaskCompletionSource<RecordResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("vm", async (call, hangup) =>
        {
            CancellationToken token = passed == TokenPassed.None ? CancellationToken.None : hangup;
            recorded.TrySetResult(await call.RecordFileAsync("vm/msg", "wav", EscapeDigits.Parse("#"), TimeSpan.FromSeconds(30), beep: true, cancellationToken: token));
            await CleanUpAsync(call, token);
        }));

        var fake = new FakeAsterisk();
        fake.Environment.Script("vm");
        fake.Channel.Variables["ACCOUNT"] = "42\nwith a line feed";
        fake.Caller.HangsUpDuring("RECORD FILE");

        FakeCallResult result = await fake.CallAsync(server.Endpoint).WaitOrFail("the call");
        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal(RecordEndReason.Hangup, (await recorded.Task.WaitOrFail("the recording")).Reason);
        AssertCleanedUp(result);
    }

    [Theory]
    [MemberData(nameof(Tokens))]
    public async Task After_a_hangup_while_idle_clean_up_runs_and_channel_commands_throw_hangup(TokenPassed passed)
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var afterwards = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("idle", async (call, hangup) =>
        {
            CancellationToken token = passed == TokenPassed.None ? CancellationToken.None : hangup;
            await call.AnswerAsync(token);
            idle.TrySetResult();
            await hangup.WhenCancelled().WaitOrFail("the HANGUP line");

            // The token is cancelled now: it no longer stops commands.
            await CleanUpAsync(call, token);
            try
            {
                await call.StreamFileAsync("goodbye", cancellationToken: token);
                afterwards.TrySetResult(null);
            }
            catch (Exception ex)
            {
                afterwards.TrySetResult(ex);
            }
        }));

        var fake = new FakeAsterisk();
        fake.Environment.Script("idle");
        fake.Channel.Variables["ACCOUNT"] = "42\nwith a line feed";
        fake.Expect("ANSWER");
        fake.Caller.HangsUp();
        fake.HoldHangupUntil(idle.Task);

        FakeCallResult result = await fake.CallAsync(server.Endpoint).WaitOrFail("the call");
        Assert.True(result.Succeeded, result.Failure);
        AssertCleanedUp(result);
        AgiHangupException dead = Assert.IsType<AgiHangupException>(await afterwards.Task.WaitOrFail("the command after the clean-up"));
        Assert.Equal(AgiHangupReason.DeadChannel, dead.Reason);
        Assert.Equal("511 Command Not Permitted on a dead channel or intercept routine\n", result.Commands[^1].Reply);
    }

    [Fact]
    public async Task A_token_of_the_scripts_own_still_stops_waiting_while_the_call_is_up()
    {
        var giveUp = new CancellationTokenSource();
        var stopped = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("own", async (call, hangup) =>
        {
            Task<WaitForDigitResult> waiting = call.WaitForDigitAsync(Timeout.InfiniteTimeSpan, giveUp.Token).AsTask();
            await giveUp.CancelAsync();
            try
            {
                await waiting;
                stopped.TrySetResult(null);
            }
            catch (Exception ex)
            {
                stopped.TrySetResult(ex);
            }

            release.TrySetResult();

            // The abandoned reply is discarded when it arrives; the next command gets its own.
            Assert.Equal("0", await call.GetVariableAsync("ZERO", hangup));
        }));

        var fake = new FakeAsterisk();
        fake.Environment.Script("own");
        fake.Channel.Variables["ZERO"] = "0";
        fake.Expect("WAIT FOR DIGIT -1").ReplyAfter(release.Task).ReplyDigit('5');
        fake.Expect("GET VARIABLE ZERO");

        FakeCallResult result = await fake.CallAsync(server.Endpoint).WaitOrFail("the call");
        Assert.True(result.Succeeded, result.Failure);
        Assert.IsAssignableFrom<OperationCanceledException>(await stopped.Task.WaitOrFail("the cancelled wait"));
        giveUp.Dispose();
    }

    /// <summary>What Asterisk accepts on a dead channel, as a script's clean-up would run it.</summary>
    private static async Task CleanUpAsync(AgiSession call, CancellationToken token)
    {
        await call.SetVariableAsync("CLEANUP", "done", token);
        Assert.Equal("42\nwith a line feed", await call.GetVariableAsync("ACCOUNT", token));
        await call.VerboseAsync("call over", cancellationToken: token);
        Assert.True(await call.DatabasePutAsync("calls", "last", "hung up", token));
        Assert.Equal("hung up", await call.DatabaseGetAsync("calls", "last", token));
        Assert.Equal(0, await call.ExecAsync("NoOp", "after hangup", token));
        await call.NoopAsync(cancellationToken: token);
    }

    private static void AssertCleanedUp(FakeCallResult result)
    {
        Assert.True(result.CallerHungUp);
        Assert.Equal("done", result.VariablesSet["CLEANUP"]);
        Assert.True(result.Channel.Database.TryGet("calls", "last", out string last));
        Assert.Equal("hung up", last);
    }
}
