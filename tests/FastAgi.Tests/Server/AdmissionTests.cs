using System.Net;
using FastAgi.Diagnostics;
using FastAgi.Hosting;
using FastAgi.Server;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>Who gets in and what the rest are told: the allowlist, the capacity with its BUSY answer, the SHUTDOWN answer while draining, idle connections at capacity.</summary>
public sealed class AdmissionTests
{
    public static TheoryData<TestTransport> Transports => TestTransports.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Past_the_capacity_a_call_is_answered_busy_and_after_a_release_calls_run_again(TestTransport transport)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new CountdownEvent(2);
        await using TestServer server = await TestServer.StartAsync(
            agi => agi
                .MapScript("hold", async (call, hangup) =>
                {
                    running.Signal();
                    await release.Task.WaitAsync(hangup);
                })
                .MapScript("quick", (call, hangup) => call.SendCommandAsync("NOOP", ["ran"], hangup).AsTask()),
            options => options.MaxConcurrentCalls = 2,
            transport: transport);
        Assert.Equal(2, server.Server.MaxConcurrentCalls);

        Task<FakeCallResult>[] held = [Call(server, "hold"), Call(server, "hold")];
        Assert.True(running.Wait(TestTimeouts.Default), "The two calls did not start.");

        FakeCallResult busy = await Call(server, "quick").WaitOrFail("the call over capacity");
        busy.AssertLines("SET VARIABLE FASTAGI_ERROR BUSY", "failure");
        Assert.Equal("FAILURE", busy.AgiStatus);
        Assert.Single(server.LogsWithId(AgiEventIds.AtCapacity), static record => record.Level == LogLevel.Warning);

        release.SetResult();
        await Task.WhenAll(held).WaitOrFail("the held calls");
        await server.Server.WhenNoConnectionsAsync().WaitOrFail("the server to close the ended calls");
        (await Call(server, "quick").WaitOrFail("a call with room again")).AssertLines("NOOP ran");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Past_calls_and_refusals_the_backlog_waits_and_is_answered_when_a_slot_frees(TestTransport transport)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("hold", async (call, hangup) =>
            {
                holding.TrySetResult();
                await release.Task.WaitAsync(hangup);
            }),
            options => options.MaxConcurrentCalls = 1,
            transport: transport);
        Task<FakeCallResult> held = Call(server, "hold");
        await holding.Task.WaitOrFail("the held call to start");

        // One call and two refusals in progress (each told BUSY and not answering yet): nothing more is accepted.
        await using RawAgiConnection first = await RefusalInProgressAsync(server, "1700000300.1");
        await using RawAgiConnection second = await RefusalInProgressAsync(server, "1700000300.2");
        Task<FakeCallResult> waiting = Call(server, "hold");
        Assert.False(waiting.IsCompleted);

        // A refusal ends: its slot goes to the call waiting in the backlog, which is told BUSY in its turn.
        await FinishRefusalAsync(first);
        (await waiting.WaitOrFail("the call from the backlog")).AssertLines("SET VARIABLE FASTAGI_ERROR BUSY", "failure");

        await FinishRefusalAsync(second);
        release.SetResult();
        await held.WaitOrFail("the held call");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task While_draining_the_backlog_is_answered_shutdown_then_the_port_refuses(TestTransport transport)
    {
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("hold", async (call, hangup) =>
            {
                holding.TrySetResult();
                await release.Task.WaitAsync(TestTimeouts.Default, CancellationToken.None);
                await call.SendCommandAsync("NOOP", ["finished"], CancellationToken.None);
            }),
            options => options.MaxConcurrentCalls = 1,
            transport: transport);
        Task<FakeCallResult> held = Call(server, "hold");
        await holding.Task.WaitOrFail("the held call to start");
        await using RawAgiConnection first = await RefusalInProgressAsync(server, "1700000301.1");
        await using RawAgiConnection second = await RefusalInProgressAsync(server, "1700000301.2");
        Task<FakeCallResult> inBacklog = Call(server, "hold");

        Task stop = server.StopAsync();
        await FinishRefusalAsync(first);

        // Accepted while draining: the dialplan hears SHUTDOWN, not a silent close (which it would read as SUCCESS).
        (await inBacklog.WaitOrFail("the call from the backlog")).AssertLines("SET VARIABLE FASTAGI_ERROR SHUTDOWN", "failure");
        await FinishRefusalAsync(second);

        // The backlog is empty: the listener has closed, and the call in progress still finishes.
        FakeCallResult late = await Call(server, "hold").WaitOrFail("a call after the listener closed");
        Assert.Equal(FakeCallEnding.ConnectionFailed, late.Ending);
        release.SetResult();
        (await held.WaitOrFail("the held call")).AssertLines("NOOP finished");
        await stop.WaitOrFail("the stop");
        Assert.Contains(server.LogsWithId(AgiEventIds.ServerStopped), static record => record.Message.Contains("call(s) finished during the drain, 0 cut", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_a_drain_delay_the_server_is_not_ready_at_once_and_serves_normally_until_it_drains()
    {
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("quick", (call, hangup) => call.SendCommandAsync("NOOP", ["ran"], hangup).AsTask()).AddHealthChecks(),
            options => options.DrainDelay = TimeSpan.FromSeconds(1));
        server.AllowErrors(static record => record.Category == "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService");
        var health = server.Services.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>();

        Task stop = server.StopAsync();
        using (var waiting = new CancellationTokenSource(TestTimeouts.Default))
        {
            while (!server.Server.IsStopping)
            {
                await Task.Delay(5, waiting.Token);
            }
        }

        // Not ready, for the balancer's check; a call that still comes is served, not told SHUTDOWN.
        Assert.False(server.Server.IsReady);
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report = await health.CheckHealthAsync();
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, report.Status);
        Assert.StartsWith("Stopping", report.Entries[AgiServerHealthCheck.Name].Description, StringComparison.Ordinal);
        (await Call(server, "quick").WaitOrFail("a call during the delay")).AssertLines("NOOP ran");

        await stop.WaitOrFail("the stop");
        Assert.Single(server.LogsWithId(AgiEventIds.ServerLeaving));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task At_capacity_connections_that_send_no_environment_make_room_for_calls(TestTransport transport)
    {
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("quick", (call, hangup) => call.SendCommandAsync("NOOP", ["ran"], hangup).AsTask()),
            options => options.MaxConcurrentCalls = 2,
            transport: transport);

        // Four connections that say nothing take every slot (two calls' and two refusals'); the next call waits in the backlog.
        var idle = new List<RawAgiConnection>();
        for (int i = 0; i < 4; i++)
        {
            idle.Add(await server.ConnectRawAsync());
        }

        try
        {
            // The oldest idle connection (not Asterisk: it sent nothing) is closed for its slot, and the call runs.
            (await Call(server, "quick").WaitOrFail("the call behind the idle connections")).AssertLines("NOOP ran");
            await idle[0].ExpectClosedAsync(allowReset: true);
            Assert.Contains(server.LogsWithId(AgiEventIds.AtCapacity), static record => record.Message.Contains("sent no environment", StringComparison.Ordinal));
        }
        finally
        {
            foreach (RawAgiConnection connection in idle)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Once_calls_and_silent_connections_end_the_server_keeps_nothing_of_them(TestTransport transport)
    {
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("quick", (call, hangup) => call.SendCommandAsync("NOOP", ["ran"], hangup).AsTask()),
            transport: transport);

        var silent = new List<RawAgiConnection>();
        for (int i = 0; i < 5; i++)
        {
            silent.Add(await server.ConnectRawAsync());
        }

        // Accepted in the order they connected: once a later call has run, the silent ones are the server's too.
        for (int i = 0; i < 20; i++)
        {
            (await Call(server, "quick").WaitOrFail("a call")).AssertLines("NOOP ran");
        }

        Assert.Equal(5, server.Server.ConnectionsWaitingForEnvironment);
        foreach (RawAgiConnection connection in silent)
        {
            await connection.DisposeAsync();
        }

        await server.Server.WhenNoConnectionsAsync().WaitOrFail("the server to close every connection");
        Assert.Equal(0, server.Server.ConnectionsWaitingForEnvironment);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_peer_the_allowlist_does_not_name_is_closed_before_a_byte_is_read(TestTransport transport)
    {
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("quick", (call, hangup) => call.SendCommandAsync("NOOP", ["ran"], hangup).AsTask()),
            options => options.AllowedPeers = "127.0.0.2, 10.0.0.0/8",
            transport: transport);

        // 127.0.0.1 is not listed: closed at once, without the script running.
        await using (RawAgiConnection foreign = await RawAgiConnection.ConnectAsync(server.Endpoint, IPAddress.Loopback))
        {
            await foreign.SendAsync(AsteriskCalls.Strict("quick", "1700000302.1").Environment.ToText());
            await foreign.ExpectClosedAsync(allowReset: true);
        }

        // 127.0.0.2 is listed: served.
        await using (RawAgiConnection listed = await RawAgiConnection.ConnectAsync(server.Endpoint, IPAddress.Parse("127.0.0.2")))
        {
            await listed.SendAsync(AsteriskCalls.Strict("quick", "1700000302.2").Environment.ToText());
            await listed.ExpectAsync("NOOP ran\n");
            await listed.SendAsync("200 result=0\n");
            await listed.ExpectClosedAsync(allowReset: true);
        }

        Assert.Contains(server.LogsWithId(AgiEventIds.PeerNotAllowed), static record => record.Message.Contains("127.0.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task On_a_dual_stack_listener_an_IPv4_peer_is_matched_as_IPv4()
    {
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("quick", (call, hangup) => call.SendCommandAsync("NOOP", [call.RemoteEndPoint!.Address.ToString()], hangup).AsTask()),
            options =>
            {
                options.Listen = "[::]:0";
                options.AllowedPeers = "127.0.0.0/8";
            });

        await using RawAgiConnection asterisk = await RawAgiConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Endpoint.Port));
        await asterisk.SendAsync(AsteriskCalls.Strict("quick", "1700000302.3").Environment.ToText());
        await asterisk.ExpectAsync("NOOP ::ffff:127.0.0.1\n");
        await asterisk.SendAsync("200 result=0\n");
        await asterisk.ExpectClosedAsync(allowReset: true);
    }

    [Fact]
    public async Task Listening_beyond_loopback_with_no_allowlist_is_warned_about()
    {
        await using TestServer open = await TestServer.StartAsync(agi => agi.MapScript("x", (s, ct) => Task.CompletedTask), options => options.Listen = "0.0.0.0:0");
        Assert.Single(open.LogsWithId(AgiEventIds.OpenToEveryone));

        await using TestServer loopback = await TestServer.StartAsync(agi => agi.MapScript("x", (s, ct) => Task.CompletedTask));
        Assert.Empty(loopback.LogsWithId(AgiEventIds.OpenToEveryone));
    }

    [Theory]
    [InlineData("", "203.0.113.9", true)]
    [InlineData("10.0.0.0/8", "10.200.1.1", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.168.1.20", "192.168.1.20", true)]
    [InlineData("192.168.1.20", "192.168.1.21", false)]
    [InlineData("192.168.1.20", "::ffff:192.168.1.20", true)]
    [InlineData("::ffff:192.168.1.20", "192.168.1.20", true)]
    [InlineData("fd00::/8", "fd12:3456::1", true)]
    [InlineData("fd00::/8", "fe80::1", false)]
    [InlineData("::1, 127.0.0.1", "::1", true)]
    [InlineData("10.0.0.0/8", "::ffff:10.1.2.3", true)]
    public void The_allowlist_matches_addresses_and_networks_of_both_families(string list, string peer, bool allowed)
        => Assert.Equal(allowed, AgiPeerAllowlist.Parse(list).Allows(IPAddress.Parse(peer)));

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("asterisk.example")]
    [InlineData("10.0.0.1, nope")]
    public void A_bad_allowlist_entry_fails_validation_naming_it(string list)
    {
        Microsoft.Extensions.Options.ValidateOptionsResult result = new AgiServerOptionsValidator().Validate(null, new AgiServerOptions { AllowedPeers = list });
        Assert.True(result.Failed);
        Assert.Contains("FastAgi:AllowedPeers", result.FailureMessage, StringComparison.Ordinal);
    }

    private static Task<FakeCallResult> Call(TestServer server, string script)
    {
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { ThrowOnFailure = false, Timeout = TestTimeouts.Default });
        asterisk.Environment.Script(script);
        return asterisk.CallAsync(server.Endpoint);
    }

    /// <summary>A connection that sent its environment and was told BUSY, and has not answered yet: it holds a refusal slot.</summary>
    private static async Task<RawAgiConnection> RefusalInProgressAsync(TestServer server, string uniqueId)
    {
        RawAgiConnection connection = await server.ConnectRawAsync();
        await connection.SendAsync(AsteriskCalls.Strict("quick", uniqueId).Environment.ToText());
        await connection.ExpectAsync("SET VARIABLE FASTAGI_ERROR BUSY\n");
        return connection;
    }

    private static async Task FinishRefusalAsync(RawAgiConnection connection)
    {
        await connection.SendAsync("200 result=1\n");
        await connection.ExpectAsync("failure\n");
        await connection.SendAsync("HANGUP\n");
        await connection.ExpectClosedAsync(allowReset: true);
    }
}
