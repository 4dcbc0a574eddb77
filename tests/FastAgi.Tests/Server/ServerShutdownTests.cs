using System.Diagnostics;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>Stopping the host: running calls may finish, and those still running at <c>ShutdownTimeout</c> are closed.</summary>
public class ServerShutdownTests
{
    [Fact]
    public async Task Stop_waits_for_a_running_call_to_finish()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new TestScript(async (s, ct) =>
        {
            running.SetResult();
            await finish.Task.WaitOrFail("the test to let the call finish");

            // The connection is still fully usable while the server stops.
            Assert.False(ct.IsCancellationRequested);
            Assert.Equal("0", (await s.CommandAsync("NOOP", "during-shutdown")).Result);
        });
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("long", script.RunAsync),
            options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
        FakeAsterisk asterisk = AsteriskCalls.Strict("long", "1700000003.1");
        asterisk.Expect("NOOP during-shutdown").Reply("200 result=0");
        Task<FakeCallResult> call = asterisk.CallAsync(server.Endpoint);
        await running.Task.WaitOrFail("the call to start");

        Task stopping = server.StopAsync();

        // Deterministic even for a server that does not wait: the script cannot end before the test releases it below.
        Task<bool> scriptEndedBeforeStop = stopping.ContinueWith(_ => script.Completion.IsCompleted, TaskScheduler.Default);
        Assert.False(stopping.IsCompleted, "The server stopped while a call was still running.");
        Assert.Equal(1, server.Server.ActiveConnections);

        finish.SetResult();
        (await call.WaitOrFail("the call")).AssertLines("NOOP during-shutdown");
        await script.WaitAsync();
        await stopping.WaitOrFail("the server to stop once its last call ended");
        Assert.True(await scriptEndedBeforeStop.WaitOrFail("the stop continuation"), "The server stopped before its running call ended.");
        Assert.Equal(0, server.Server.ActiveConnections);
    }

    [Fact]
    public async Task Stop_closes_calls_still_running_at_the_shutdown_timeout()
    {
        TimeSpan shutdownTimeout = TimeSpan.FromMilliseconds(500);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new TestScript(async (s, ct) =>
        {
            running.SetResult();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Delay(Timeout.Infinite, ct).WaitOrFail("the shutdown to fire the hangup token"));
            Assert.True(s.IsHungUp);
        });
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("stuck", script.RunAsync),
            options => options.ShutdownTimeout = shutdownTimeout);
        FakeAsterisk asterisk = AsteriskCalls.Strict("stuck", "1700000003.2");
        Task<FakeCallResult> call = asterisk.CallAsync(server.Endpoint);
        await running.Task.WaitOrFail("the call to start");

        var clock = Stopwatch.StartNew();
        await server.StopAsync();
        clock.Stop();

        // The server aborts the socket: the fake sees the close (or a reset) without a command, the script sees its hangup token fire.
        FakeCallResult ended = await call.WaitOrFail("the call to end");
        ended.AssertLines();
        Assert.Equal(FakeCallEnding.ServerClosed, ended.Ending);
        await script.WaitAsync();
        Assert.True(clock.Elapsed >= shutdownTimeout * 0.9, $"The server closed the call after {clock.Elapsed}, before its shutdown timeout of {shutdownTimeout}.");
        Assert.Equal(0, server.Server.ActiveConnections);
    }

    [Fact]
    public async Task A_call_cut_at_the_shutdown_deadline_ends_as_shutdown_not_as_a_hangup()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("stuck", async (s, ct) =>
            {
                running.SetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }),
            options => options.ShutdownTimeout = TimeSpan.FromMilliseconds(200));
        Task<FakeCallResult> call = AsteriskCalls.Strict("stuck", "1700000003.4").CallAsync(server.Endpoint);
        await running.Task.WaitOrFail("the call to start");

        await server.StopAsync();
        (await call.WaitOrFail("the call to end")).AssertLines();

        // The caller did not hang up: the server cut the call.
        Assert.Contains(server.Logs.GetSnapshot(), static record => record.Message.Contains(": shutdown after ", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.GetSnapshot(), static record => record.Message.Contains(": hangup after ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_closes_a_connection_still_sending_its_environment()
    {
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("any", (s, ct) => Task.CompletedTask));
        await using RawAgiConnection asterisk = await server.ConnectRawAsync();
        await asterisk.SendAsync("agi_network: yes\n");

        await server.StopAsync();
        await asterisk.ExpectClosedAsync(allowReset: true);
    }
}
