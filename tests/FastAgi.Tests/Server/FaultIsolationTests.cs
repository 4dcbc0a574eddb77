using FastAgi.Diagnostics;
using FastAgi.Hosting;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>A script's fault costs only its own call: a script that blocks its event loop is reported, one that ignores its hangup holds only itself.</summary>
public sealed class FaultIsolationTests
{
    [LinuxFact]
    public async Task A_script_that_blocks_its_event_loop_is_reported_once_by_path_and_the_other_calls_go_on()
    {
        TestServer? started = null;
        await using TestServer server = await TestServer.StartAsync(
            agi => agi
                .MapScript("blocking", async (call, hangup) =>
                {
                    await call.SendCommandAsync("NOOP", ["before"], hangup);

                    // On the loop's thread (RunScriptsOnEventLoops): a synchronous wait stalls the loop, here until the
                    // watchdog has reported it (at least 1.6 s; bounded), however late a loaded machine runs its timer.
                    var blocked = System.Diagnostics.Stopwatch.StartNew();
                    while (blocked.Elapsed < TimeSpan.FromMilliseconds(1600)
                        || (blocked.Elapsed < TestTimeouts.Default && started?.LogsWithId(AgiEventIds.EventLoopBlocked).Count is null or 0))
                    {
                        Thread.Sleep(20);
                    }

                    await call.SendCommandAsync("NOOP", ["after"], hangup);
                })
                .MapScript("quick", (call, hangup) => call.SendCommandAsync("NOOP", ["quick"], hangup).AsTask()),
            options =>
            {
                options.Transport = AgiTransport.Epoll;
                options.RunScriptsOnEventLoops = true;
                options.EventLoops = 1;
            });

        started = server;
        Task<FakeCallResult> blocking = Call(server, "blocking");
        FakeCallResult quick = await Call(server, "quick").WaitOrFail("a call on the same loop");
        quick.AssertLines("NOOP quick");
        (await blocking.WaitOrFail("the blocking call")).AssertLines("NOOP before", "NOOP after");

        Microsoft.Extensions.Logging.Testing.FakeLogRecord warning = Assert.Single(server.LogsWithId(AgiEventIds.EventLoopBlocked));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("Script 'blocking' blocked event loop", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_script_that_ignores_its_hangup_holds_only_its_own_call()
    {
        var ignoring = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(agi => agi
            .MapScript("stubborn", async (call, hangup) =>
            {
                await hangup.WhenCancelled();
                ignoring.TrySetResult();

                // Does not return on the hangup, and awaits nothing the hangup ends.
                await release.Task;
            })
            .MapScript("quick", (call, hangup) => call.SendCommandAsync("NOOP", ["quick"], hangup).AsTask()));
        var stubborn = new FakeAsterisk(new FakeAsteriskOptions { ThrowOnFailure = false, Timeout = TestTimeouts.Default });
        stubborn.Environment.Script("stubborn");
        stubborn.Caller.HangsUp();
        Task<FakeCallResult> held = stubborn.CallAsync(server.Endpoint);
        await ignoring.Task.WaitOrFail("the hangup");

        for (int i = 0; i < 10; i++)
        {
            (await Call(server, "quick").WaitOrFail("a call beside the stubborn one")).AssertLines("NOOP quick");
        }

        release.SetResult();
        await held.WaitOrFail("the stubborn call");
    }

    private static Task<FakeCallResult> Call(TestServer server, string script)
    {
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { ThrowOnFailure = false, Timeout = TestTimeouts.Default });
        asterisk.Environment.Script(script);
        return asterisk.CallAsync(server.Endpoint);
    }
}
