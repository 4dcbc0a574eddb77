using FastAgi.Diagnostics;
using FastAgi.Server;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>The optional timeouts: a reply Asterisk never sends ends the call; a call past its maximum duration is told TIMEOUT.</summary>
public sealed class TimeoutTests
{
    public static TheoryData<TestTransport> Transports => TestTransports.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_command_unanswered_within_the_reply_timeout_fails_typed_and_ends_the_call(TestTransport transport)
    {
        var thrown = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource();
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("stuck", async (call, hangup) =>
            {
                try
                {
                    await call.SendCommandAsync("NOOP", ["unanswered"], hangup);
                    thrown.TrySetResult(null);
                }
                catch (Exception ex)
                {
                    thrown.TrySetResult(ex);
                    throw;
                }
            }),
            options => options.ReplyTimeout = TimeSpan.FromMilliseconds(300),
            transport: transport);
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { ThrowOnFailure = false, Timeout = TestTimeouts.Default });
        asterisk.Environment.Script("stuck");
        asterisk.Expect("NOOP unanswered").ReplyAfter(never.Task);

        Task<FakeCallResult> call = asterisk.CallAsync(server.Endpoint);
        AgiReplyTimeoutException timeout = Assert.IsType<AgiReplyTimeoutException>(await thrown.Task.WaitOrFail("the reply timeout"));
        Assert.Equal("NOOP", timeout.Command);
        Assert.Equal(TimeSpan.FromMilliseconds(300), timeout.Timeout);

        never.SetResult();
        await call.WaitOrFail("the call to end");
        Assert.Contains(server.LogsWithId(AgiEventIds.CallTimedOut), static record => record.Message.Contains("did not answer 'NOOP'", StringComparison.Ordinal));
        Assert.Contains(server.LogsWithId(AgiEventIds.CallEnded), static record => record.Message.Contains(": timeout after ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_call_past_its_maximum_duration_is_told_timeout_once_its_script_stops(TestTransport transport)
    {
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("long", async (call, hangup) =>
            {
                await call.SendCommandAsync("ANSWER", hangup);
                await Task.Delay(Timeout.Infinite, hangup);
            }),
            options => options.MaxCallDuration = TimeSpan.FromMilliseconds(300),
            transport: transport);
        FakeAsterisk asterisk = AsteriskCalls.Strict("long", "1700000500.1");
        asterisk.Expect("ANSWER");
        asterisk.Expect("SET VARIABLE FASTAGI_ERROR TIMEOUT");
        asterisk.Expect("failure");

        FakeCallResult call = await asterisk.CallAsync(server.Endpoint).WaitOrFail("the call");

        call.AssertLines("ANSWER", "SET VARIABLE FASTAGI_ERROR TIMEOUT", "failure");
        Assert.Equal("FAILURE", call.AgiStatus);
        Assert.False(call.CallerHungUp);
        Assert.Contains(server.LogsWithId(AgiEventIds.CallEnded), static record => record.Message.Contains(": timeout after ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_script_waiting_on_a_command_at_the_maximum_duration_stops_and_the_dialplan_hears_timeout()
    {
        var release = new TaskCompletionSource();
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("dial", async (call, hangup) =>
            {
                try
                {
                    await call.SendCommandAsync("EXEC", ["Dial", "PJSIP/alice"], hangup);
                }
                finally
                {
                    stopped.TrySetResult();
                }
            }),
            options => options.MaxCallDuration = TimeSpan.FromMilliseconds(300));
        FakeAsterisk asterisk = AsteriskCalls.Strict("dial", "1700000500.2");

        // The Dial ends soon after the limit (Asterisk would not end it for us): then TIMEOUT goes out.
        asterisk.Expect("EXEC Dial PJSIP/alice").ReplyAfter(release.Task).ReplyResult(0);
        asterisk.Expect("SET VARIABLE FASTAGI_ERROR TIMEOUT");
        asterisk.Expect("failure");
        Task<FakeCallResult> call = asterisk.CallAsync(server.Endpoint);
        await stopped.Task.WaitOrFail("the script to stop at the maximum duration");
        release.SetResult();

        (await call.WaitOrFail("the call")).AssertLines("EXEC Dial PJSIP/alice", "SET VARIABLE FASTAGI_ERROR TIMEOUT", "failure");
    }
}
