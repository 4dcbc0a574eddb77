using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using FastAgi.Diagnostics;
using FastAgi.Protocol;
using FastAgi.Routing;
using FastAgi.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>What the server tells Asterisk when it cannot run a script, and how one bad connection leaves the others alone.</summary>
public class ConnectionHandlingTests
{
    [Fact]
    public async Task Path_without_a_script_sets_fastagi_error_notfound_then_sends_failure()
    {
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("exists", (s, ct) => Task.CompletedTask));
        await using FakeAsteriskClient asterisk = await server.ConnectAsync();

        await asterisk.SendEnvironmentAsync("no/such/script?lang=fr", "1700000002.1");
        await asterisk.ExpectAndReplyAsync("SET VARIABLE FASTAGI_ERROR NOTFOUND\n", "200 result=1\n");
        await asterisk.ExpectAsync("failure\n");
        await asterisk.ExpectClosedAsync();

        FakeLogRecord warning = Assert.Single(server.LogsWithId(AgiEventIds.ScriptNotFound));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("no/such/script", warning.Message, StringComparison.Ordinal);
        Assert.Contains("1700000002.1", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_without_a_path_and_no_fallback_is_not_found()
    {
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("exists", (s, ct) => Task.CompletedTask));
        await using FakeAsteriskClient asterisk = await server.ConnectAsync();

        // agi://127.0.0.1 sends no agi_network_script line at all (01d).
        await asterisk.SendEnvironmentAsync(null, "1700000002.2");
        await asterisk.ExpectAndReplyAsync("SET VARIABLE FASTAGI_ERROR NOTFOUND\n", "200 result=1\n");
        await asterisk.ExpectAsync("failure\n");
        await asterisk.ExpectClosedAsync();
    }

    [Fact]
    public async Task Script_that_throws_sets_fastagi_error_exception_logs_the_uniqueid_and_leaves_other_calls_alone()
    {
        var otherStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failingDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failing = new TestScript(async (s, ct) =>
        {
            await otherStarted.Task.WaitOrFail("the other call to start");
            Assert.Equal("0", (await s.CommandAsync("NOOP", "before-throw")).Result);
            throw new InvalidOperationException("boom from the script");
        });
        var other = new TestScript(async (s, ct) =>
        {
            otherStarted.SetResult();
            await failingDone.Task.WaitOrFail("the failing call to end");
            Assert.False(ct.IsCancellationRequested);
            Assert.Equal("0", (await s.CommandAsync("NOOP", "still-fine")).Result);
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi
            .MapScript("fails", failing.RunAsync)
            .MapScript("other", other.RunAsync));
        server.AllowErrors(r => r.Id.Id == AgiEventIds.ScriptFailed);
        await using FakeAsteriskClient otherCall = await server.ConnectAsync();
        await using FakeAsteriskClient failingCall = await server.ConnectAsync();

        await otherCall.SendEnvironmentAsync("other", "1700000002.3");
        await failingCall.SendEnvironmentAsync("fails", "1700000002.4");
        await failingCall.ExpectAndReplyAsync("NOOP before-throw\n", "200 result=0\n");
        await failingCall.ExpectAndReplyAsync("SET VARIABLE FASTAGI_ERROR EXCEPTION\n", "200 result=1\n");
        await failingCall.ExpectAsync("failure\n");
        await failingCall.ExpectClosedAsync();
        InvalidOperationException thrown = await Assert.ThrowsAsync<InvalidOperationException>(failing.WaitAsync);
        failingDone.SetResult();

        await otherCall.ExpectAndReplyAsync("NOOP still-fine\n", "200 result=0\n");
        await otherCall.ExpectClosedAsync();
        await other.WaitAsync();

        FakeLogRecord error = Assert.Single(server.LogsWithId(AgiEventIds.ScriptFailed));
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Same(thrown, error.Exception);
        Assert.Contains("1700000002.4", error.Message, StringComparison.Ordinal);

        // The call's logging scope carries agi_uniqueid too, for every record logged during the call.
        Assert.Contains(
            error.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().SelectMany(scope => scope),
            pair => pair.Key == "AgiUniqueId" && Equals(pair.Value, "1700000002.4"));
    }

    [Fact]
    public async Task Script_that_throws_after_the_connection_closed_sends_nothing()
    {
        var script = new TestScript(async (s, ct) =>
        {
            await ct.WhenCancelled().WaitOrFail("the connection to close");
            throw new InvalidOperationException("boom after close");
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("late", script.RunAsync));
        server.AllowErrors(r => r.Id.Id == AgiEventIds.ScriptFailed);
        await using FakeAsteriskClient asterisk = await server.ConnectAsync();

        await asterisk.SendEnvironmentAsync("late", "1700000002.5");
        asterisk.ShutdownSend();
        await asterisk.ExpectClosedAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(script.WaitAsync);
    }

    [Fact]
    public async Task Garbage_instead_of_an_environment_closes_that_connection_only()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var good = new TestScript(async (s, ct) =>
        {
            await release.Task.WaitOrFail("the garbage connection to be closed");
            Assert.Equal("0", (await s.CommandAsync("NOOP", "unaffected")).Result);
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("good", good.RunAsync));
        await using FakeAsteriskClient goodCall = await server.ConnectAsync();
        await goodCall.SendEnvironmentAsync("good", "1700000002.6");

        await using (FakeAsteriskClient garbage = await server.ConnectAsync())
        {
            await garbage.SendAsync("GET / HTTP/1.1\r\n");
            await garbage.ExpectClosedAsync();
        }

        await using (FakeAsteriskClient nul = await server.ConnectAsync())
        {
            await nul.SendAsync("agi_network: yes\nagi_\0channel: x\n");
            await nul.ExpectClosedAsync();
        }

        await using (FakeAsteriskClient endless = await server.ConnectAsync())
        {
            // A line with no LF beyond the 16 KiB limit: the server stops reading and closes, so the rest may meet a reset.
            await endless.SendAsync(new string('x', 64 * 1024));
            await endless.ExpectClosedAsync(allowReset: true);
        }

        release.SetResult();
        await goodCall.ExpectAndReplyAsync("NOOP unaffected\n", "200 result=0\n");
        await goodCall.ExpectClosedAsync();
        await good.WaitAsync();
        Assert.Equal(3, server.LogsWithId(AgiEventIds.ProtocolError).Count);
    }

    [Fact]
    public async Task Client_that_never_completes_the_environment_is_closed_after_the_timeout_without_delaying_others()
    {
        var good = new TestScript(async (s, ct) => Assert.Equal("0", (await s.CommandAsync("NOOP", "meanwhile")).Result));
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("good", good.RunAsync),
            options => options.EnvironmentTimeout = TimeSpan.FromSeconds(1));

        await using FakeAsteriskClient silent = await server.ConnectAsync();
        await using FakeAsteriskClient partial = await server.ConnectAsync();
        await partial.SendAsync("agi_network: yes\nagi_network_script: good\n");

        // A whole call runs while the two idle connections are held open.
        await using (FakeAsteriskClient goodCall = await server.ConnectAsync())
        {
            await goodCall.SendAsync(FakeAsteriskEnvironment.Block("good", "1700000002.7"));
            await goodCall.ExpectAndReplyAsync("NOOP meanwhile\n", "200 result=0\n");
            await goodCall.ExpectClosedAsync();
            await good.WaitAsync();
        }

        await silent.ExpectClosedAsync();
        await partial.ExpectClosedAsync();
        Assert.Equal(2, server.LogsWithId(AgiEventIds.EnvironmentTimeout).Count);
    }

    [Fact]
    public async Task Connections_reset_before_the_server_accepts_them_do_not_stop_the_server()
    {
        var good = new TestScript(async (s, ct) => Assert.Equal("0", (await s.CommandAsync("NOOP", "after-resets")).Result));
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("good", good.RunAsync));

        // Port scanners and health checks connect and reset at once, often before the server has accepted.
        for (int i = 0; i < 50; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(server.Endpoint).WaitOrFail("a connection");
            socket.LingerState = new LingerOption(true, 0);
        }

        await using FakeAsteriskClient asterisk = await server.ConnectAsync();
        await asterisk.SendEnvironmentAsync("good", "1700000002.8");
        await asterisk.ExpectAndReplyAsync("NOOP after-resets\n", "200 result=0\n");
        await asterisk.ExpectClosedAsync();
        await good.WaitAsync();
    }

    [Fact]
    public async Task Two_hundred_concurrent_calls_to_several_scripts_never_see_each_others_state()
    {
        const int Calls = 200;
        string[] paths = ["echo/alpha", "echo/beta", "echo/gamma", "echo/delta"];
        var seen = new ConcurrentDictionary<string, string>();

        // Each script reads a call-specific value from "Asterisk" and writes back its own request's values: a reply or a
        // request crossing calls shows up as a wrong value on one side or the other.
        Func<string, AgiScript> echo = path => async (s, ct) =>
        {
            string id = s.Request.UniqueId!;
            string argument = s.Request.Arguments[0];
            Assert.Equal(path, s.Request.ScriptPath);
            AgiReply token = await s.CommandAsync("GET VARIABLE", "CALL_TOKEN");
            Assert.Equal($"token-{id}", token.Data);
            await Task.Yield();
            AgiReply set = await s.CommandAsync("SET VARIABLE", "ECHO_" + path[5..].ToUpperInvariant(), $"{id}/{argument}");
            Assert.Equal("1", set.Result);
            Assert.True(seen.TryAdd(id, path), $"Call {id} ran twice.");
        };
        await using TestServer server = await TestServer.StartAsync(agi =>
        {
            foreach (string path in paths)
            {
                agi.MapScript(path, echo(path));
            }
        });

        await Task.WhenAll(Enumerable.Range(0, Calls).Select(async i =>
        {
            string path = paths[i % paths.Length];
            string id = string.Create(CultureInfo.InvariantCulture, $"1700000100.{i}");
            await using FakeAsteriskClient asterisk = await server.ConnectAsync();
            await asterisk.SendEnvironmentAsync($"{path}?call={i}", id, $"arg-{i}");
            await asterisk.ExpectAndReplyAsync("GET VARIABLE CALL_TOKEN\n", $"200 result=1 (token-{id})\n");
            await asterisk.ExpectAndReplyAsync($"SET VARIABLE ECHO_{path[5..].ToUpperInvariant()} {id}/arg-{i}\n", "200 result=1\n");
            await asterisk.ExpectClosedAsync();
        })).WaitOrFail($"{Calls} concurrent calls", TestTimeouts.ManyCalls);

        Assert.Equal(Calls, seen.Count);
    }
}
