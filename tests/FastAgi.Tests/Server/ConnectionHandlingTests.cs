using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using FastAgi.Diagnostics;
using FastAgi.Protocol;
using FastAgi.Routing;
using FastAgi.Testing;
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
        FakeAsterisk asterisk = AsteriskCalls.Strict("no/such/script?lang=fr", "1700000002.1");
        asterisk.Expect("SET VARIABLE FASTAGI_ERROR NOTFOUND").Reply("200 result=1");
        asterisk.Expect("failure");

        FakeCallResult call = await asterisk.CallAsync(server.Endpoint);
        call.AssertLines("SET VARIABLE FASTAGI_ERROR NOTFOUND", "failure");
        Assert.Equal(FakeCallEnding.FailureLine, call.Ending);

        FakeLogRecord warning = Assert.Single(server.LogsWithId(AgiEventIds.ScriptNotFound));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("no/such/script", warning.Message, StringComparison.Ordinal);
        Assert.Contains("1700000002.1", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_without_a_path_and_no_fallback_is_not_found()
    {
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("exists", (s, ct) => Task.CompletedTask));

        // agi://127.0.0.1 sends no agi_network_script line at all (01d).
        FakeAsterisk asterisk = AsteriskCalls.Strict(null, "1700000002.2");
        Assert.DoesNotContain("agi_network_script", asterisk.Environment.ToText(), StringComparison.Ordinal);
        asterisk.Expect("SET VARIABLE FASTAGI_ERROR NOTFOUND").Reply("200 result=1");
        asterisk.Expect("failure");

        FakeCallResult call = await asterisk.CallAsync(server.Endpoint);
        call.AssertLines("SET VARIABLE FASTAGI_ERROR NOTFOUND", "failure");
        Assert.Equal(FakeCallEnding.FailureLine, call.Ending);
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
        FakeAsterisk otherAsterisk = AsteriskCalls.Strict("other", "1700000002.3");
        otherAsterisk.Expect("NOOP still-fine").Reply("200 result=0");
        FakeAsterisk failingAsterisk = AsteriskCalls.Strict("fails", "1700000002.4");
        failingAsterisk.Expect("NOOP before-throw").Reply("200 result=0");
        failingAsterisk.Expect("SET VARIABLE FASTAGI_ERROR EXCEPTION").Reply("200 result=1");
        failingAsterisk.Expect("failure");

        Task<FakeCallResult> otherCall = otherAsterisk.CallAsync(server.Endpoint);
        FakeCallResult failingCall = await failingAsterisk.CallAsync(server.Endpoint);
        failingCall.AssertLines("NOOP before-throw", "SET VARIABLE FASTAGI_ERROR EXCEPTION", "failure");
        InvalidOperationException thrown = await Assert.ThrowsAsync<InvalidOperationException>(failing.WaitAsync);
        failingDone.SetResult();

        (await otherCall.WaitOrFail("the other call")).AssertLines("NOOP still-fine");
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
        await using RawAgiConnection asterisk = await server.ConnectRawAsync();

        // Not something Asterisk does (it writes HANGUP before it closes): a connection lost right after the environment.
        await asterisk.SendAsync(AsteriskCalls.Strict("late", "1700000002.5").Environment.ToText());
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
        FakeAsterisk goodAsterisk = AsteriskCalls.Strict("good", "1700000002.6");
        goodAsterisk.Expect("NOOP unaffected").Reply("200 result=0");
        Task<FakeCallResult> goodCall = goodAsterisk.CallAsync(server.Endpoint);

        await using (RawAgiConnection garbage = await server.ConnectRawAsync())
        {
            await garbage.SendAsync("GET / HTTP/1.1\r\n");
            await garbage.ExpectClosedAsync();
        }

        await using (RawAgiConnection nul = await server.ConnectRawAsync())
        {
            await nul.SendAsync("agi_network: yes\nagi_\0channel: x\n");
            await nul.ExpectClosedAsync();
        }

        await using (RawAgiConnection endless = await server.ConnectRawAsync())
        {
            // A line with no LF beyond the 16 KiB limit: the server stops reading and closes, so the rest may meet a reset.
            await endless.SendAsync(new string('x', 64 * 1024));
            await endless.ExpectClosedAsync(allowReset: true);
        }

        release.SetResult();
        (await goodCall.WaitOrFail("the good call")).AssertLines("NOOP unaffected");
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

        await using RawAgiConnection silent = await server.ConnectRawAsync();
        await using RawAgiConnection partial = await server.ConnectRawAsync();
        await partial.SendAsync("agi_network: yes\nagi_network_script: good\n");

        // A whole call runs while the two idle connections are held open.
        FakeAsterisk asterisk = AsteriskCalls.Strict("good", "1700000002.7");
        asterisk.Expect("NOOP meanwhile").Reply("200 result=0");
        (await asterisk.CallAsync(server.Endpoint)).AssertLines("NOOP meanwhile");
        await good.WaitAsync();

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

        FakeAsterisk asterisk = AsteriskCalls.Strict("good", "1700000002.8");
        asterisk.Expect("NOOP after-resets").Reply("200 result=0");
        (await asterisk.CallAsync(server.Endpoint)).AssertLines("NOOP after-resets");
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
            string set = $"SET VARIABLE ECHO_{path[5..].ToUpperInvariant()} {id}/arg-{i}";
            FakeAsterisk asterisk = AsteriskCalls.Strict($"{path}?call={i}", id, $"arg-{i}");
            asterisk.Expect("GET VARIABLE CALL_TOKEN").Reply($"200 result=1 (token-{id})");
            asterisk.Expect(set).Reply("200 result=1");
            (await asterisk.CallAsync(server.Endpoint)).AssertLines("GET VARIABLE CALL_TOKEN", set);
        })).WaitOrFail($"{Calls} concurrent calls", TestTimeouts.ManyCalls);

        Assert.Equal(Calls, seen.Count);
    }
}
