using FastAgi.Commands;
using FastAgi.Diagnostics;
using FastAgi.Protocol;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>What a peer that is not Asterisk, or a broken one, can do: every malformed reply is a typed error, and the logs stay bounded and clean.</summary>
public sealed class HostileInputTests
{
    [Theory]
    [InlineData("999 foo\n", AgiProtocolError.MalformedReply)]
    [InlineData("200 result=xyz\n", AgiProtocolError.MalformedReply)]
    [InlineData("200 result=0\r\n", AgiProtocolError.MalformedReply)]
    [InlineData("200 result=0\0\n", AgiProtocolError.NulByte)]
    [InlineData("200 result=0\u0007 endpos=0\n", AgiProtocolError.MalformedReply)]
    public async Task A_malformed_reply_fails_the_raw_and_the_typed_command_alike(string reply, AgiProtocolError error)
    {
        var raw = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var typed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(agi => agi
            .MapScript("raw", async (call, hangup) => raw.TrySetResult(await Record(() => call.SendCommandAsync("STREAM FILE", ["welcome", ""], hangup).AsTask())))
            .MapScript("typed", async (call, hangup) => typed.TrySetResult(await Record(() => call.StreamFileAsync("welcome", cancellationToken: hangup).AsTask()))));

        foreach (string script in (string[])["raw", "typed"])
        {
            await using RawAgiConnection asterisk = await server.ConnectRawAsync();
            await asterisk.SendAsync(AsteriskCalls.Strict(script, "1700000200.1").Environment.ToText());
            await asterisk.ExpectAsync("STREAM FILE welcome \"\"\n");
            await asterisk.SendAsync(reply);
            await asterisk.ExpectClosedAsync(allowReset: true);
        }

        AgiProtocolException fromRaw = Assert.IsType<AgiProtocolException>(await raw.Task.WaitOrFail("the raw command"));
        AgiProtocolException fromTyped = Assert.IsType<AgiProtocolException>(await typed.Task.WaitOrFail("the typed command"));
        Assert.Equal(error, fromRaw.Error);
        Assert.Equal(error, fromTyped.Error);
        Assert.Equal(fromRaw.Message, fromTyped.Message);
        Assert.DoesNotContain(server.Logs.GetSnapshot(), static record => record.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task A_flood_of_bad_peers_writes_one_warning_without_a_stack_trace_and_a_debug_line_each()
    {
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("any", (s, ct) => Task.CompletedTask));
        const int peers = 40;
        for (int i = 0; i < peers; i++)
        {
            await using RawAgiConnection garbage = await server.ConnectRawAsync();
            await garbage.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            await garbage.ExpectClosedAsync(allowReset: true);
        }

        IReadOnlyList<Microsoft.Extensions.Logging.Testing.FakeLogRecord> records = server.LogsWithId(AgiEventIds.ProtocolError);
        Assert.Equal(peers, records.Count);
        Assert.Single(records, static record => record.Level == LogLevel.Warning);
        Assert.All(records, static record => Assert.Null(record.Exception));
        Assert.All(records, static record => Assert.True(record.Message.Length < 400, record.Message));
    }

    [Theory]
    [InlineData("evil%0A2026-12-01 info: forged line", "evil\\n2026-12-01 info: forged line")]
    [InlineData("nul%00byte", "nul\\0byte")]
    [InlineData("esc%1B[31mred", "esc\\x1b[31mred")]
    public async Task A_path_no_script_matches_is_logged_escaped(string path, string logged)
    {
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("known", (s, ct) => Task.CompletedTask));
        FakeAsterisk asterisk = AsteriskCalls.Strict(path, "1700000200.2");
        asterisk.Expect("SET VARIABLE FASTAGI_ERROR NOTFOUND");
        asterisk.Expect("failure");

        await asterisk.CallAsync(server.Endpoint).WaitOrFail("the call");

        string message = Assert.Single(server.LogsWithId(AgiEventIds.ScriptNotFound)).Message;
        Assert.Contains($"'{logged}'", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain('\0', message);
        Assert.DoesNotContain('\u001b', message);
    }

    [Fact]
    public async Task A_10_KB_path_is_cut_in_the_log()
    {
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("known", (s, ct) => Task.CompletedTask));
        FakeAsterisk asterisk = AsteriskCalls.Strict(new string('p', 10_000), "1700000200.3");
        asterisk.Expect("SET VARIABLE FASTAGI_ERROR NOTFOUND");
        asterisk.Expect("failure");

        await asterisk.CallAsync(server.Endpoint).WaitOrFail("the call");

        string message = Assert.Single(server.LogsWithId(AgiEventIds.ScriptNotFound)).Message;
        Assert.True(message.Length < 500, $"{message.Length} characters");
        Assert.Contains(new string('p', 100) + "…", message, StringComparison.Ordinal);
    }

    public static TheoryData<TestTransport> Transports => TestTransports.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_reply_over_the_limit_ends_the_call_with_a_log_line_naming_the_limit(TestTransport transport)
    {
        // 1.5 MB against the default 1 MiB: the epoll transport's buffer follows the limit, so the parser reports it.
        string huge = new('v', 1_500_000);
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("big", async (call, hangup) => outcome.TrySetResult(await Record(() => call.GetFullVariableAsync("${BIG}", cancellationToken: hangup).AsTask()))),
            transport: transport);
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { ThrowOnFailure = false });
        asterisk.Environment.Script("big");
        asterisk.Channel.Variables["BIG"] = huge;

        await asterisk.CallAsync(server.Endpoint).WaitOrFail("the call", TestTimeouts.ManyCalls);

        AgiProtocolException error = Assert.IsType<AgiProtocolException>(await outcome.Task.WaitOrFail("the command"));
        Assert.Equal(AgiProtocolError.ReplyTooLong, error.Error);
        Assert.Contains(server.LogsWithId(AgiEventIds.ProtocolError), static record => record.Message.Contains("A reply exceeds 1048576 bytes", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_raised_limit_lets_a_value_of_several_megabytes_through_on_every_transport(TestTransport transport)
    {
        string huge = string.Concat(Enumerable.Range(0, 300_000).Select(static i => i % 7 == 0 ? "line)\n" : "0123456789"));
        var value = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("big", async (call, hangup) => value.TrySetResult(await call.GetFullVariableAsync("${BIG}", cancellationToken: hangup))),
            options => options.Limits = AgiProtocolLimits.Default with { MaxReplyLength = 8 * 1024 * 1024 },
            transport: transport);
        var asterisk = new FakeAsterisk();
        asterisk.Environment.Script("big");
        asterisk.Channel.Variables["BIG"] = huge;

        await asterisk.CallAsync(server.Endpoint).WaitOrFail("the call", TestTimeouts.ManyCalls);

        Assert.Equal(huge, await value.Task.WaitOrFail("the value"));
    }

    private static async Task<Exception?> Record(Func<Task> command)
    {
        try
        {
            await command();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
