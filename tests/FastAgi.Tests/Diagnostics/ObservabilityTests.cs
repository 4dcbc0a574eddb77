using System.Diagnostics;
using FastAgi.Commands;
using FastAgi.Diagnostics;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace FastAgi.Tests.Diagnostics;

/// <summary>What an operator sees of a call: its log line and scope, its metrics, its spans, with caller input and configured values redacted.</summary>
[Collection(ActivityListenerTests.Name)]
public sealed class ObservabilityTests
{
    [Fact]
    public async Task A_call_writes_one_information_line_with_every_field_when_it_ends()
    {
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("ivr/main", async (call, hangup) =>
        {
            await call.NoopAsync("one", hangup);
            await call.NoopAsync("two", hangup);
        }));
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Timeout = TestTimeouts.Default });
        asterisk.Environment.Script("ivr/main?lang=fr").UniqueId("1700000900.7").Channel("PJSIP/alice-0000002a").CallerId("5551234", "Alice");
        await asterisk.CallAsync(server.Endpoint).WaitOrFail("the call");
        await server.Server.WhenNoConnectionsAsync().WaitOrFail("the close");

        FakeLogRecord line = Assert.Single(server.LogsWithId(AgiEventIds.CallEnded));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal("ivr/main", line.GetStructuredStateValue("Script"));
        Assert.Equal("1700000900.7", line.GetStructuredStateValue("AgiUniqueId"));
        Assert.Equal("PJSIP/alice-0000002a", line.GetStructuredStateValue("Channel"));
        Assert.Equal("5551234", line.GetStructuredStateValue("CallerId"));
        Assert.StartsWith("127.0.0.1:", line.GetStructuredStateValue("Peer"), StringComparison.Ordinal);
        Assert.Equal("completed", line.GetStructuredStateValue("Outcome"));
        Assert.Equal("2", line.GetStructuredStateValue("Commands"));
        Assert.Equal("none", line.GetStructuredStateValue("HangupReason"));
        Assert.True(double.Parse(line.GetStructuredStateValue("DurationMs")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task Every_line_of_a_call_is_in_a_scope_naming_the_call_and_at_debug_each_command_and_reply_is_logged()
    {
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("ivr", (call, hangup) => call.NoopAsync("hello", hangup).AsTask()));
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Timeout = TestTimeouts.Default });
        asterisk.Environment.Script("ivr").UniqueId("1700000901.1").Channel("SIP/bob-1");
        await asterisk.CallAsync(server.Endpoint).WaitOrFail("the call");
        await server.Server.WhenNoConnectionsAsync().WaitOrFail("the close");

        FakeLogRecord sent = Assert.Single(server.LogsWithId(AgiEventIds.CommandSent));
        Assert.Equal(LogLevel.Debug, sent.Level);
        Assert.Equal("NOOP \"hello\"", sent.GetStructuredStateValue("Command"));
        FakeLogRecord answered = Assert.Single(server.LogsWithId(AgiEventIds.ReplyReceived));
        Assert.Equal("200 result=0", answered.GetStructuredStateValue("Reply"));

        var scope = Assert.IsAssignableFrom<IEnumerable<KeyValuePair<string, object?>>>(Assert.Single(sent.Scopes));
        Dictionary<string, object?> fields = scope.ToDictionary(static pair => pair.Key, static pair => pair.Value);
        Assert.Equal("1700000901.1", fields["AgiUniqueId"]);
        Assert.Equal("SIP/bob-1", fields["AgiChannel"]);
        Assert.Equal("ivr", fields["AgiScript"]);
        Assert.StartsWith("127.0.0.1:", (string)fields["AgiPeer"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_the_caller_keys_is_masked_in_logs_by_default_and_so_are_configured_variables_and_query_parameters()
    {
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("pay", async (call, hangup) =>
            {
                GetDataResult card = await call.GetDataAsync("enter-card", maxDigits: 16, cancellationToken: hangup);
                await call.SetVariableAsync("PIN", "8642", hangup);
                await call.GetVariableAsync("PIN", hangup);
                await call.NoopAsync(card.Digits, hangup);
            }),
            options =>
            {
                options.RedactedVariables = "PIN, CVV";
                options.RedactedQueryParameters = "token";
            });
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Timeout = TestTimeouts.Default });
        asterisk.Environment.Script("pay?token=s3cr3t&lang=en");
        asterisk.Caller.Presses("4111222233334444#");
        await asterisk.CallAsync(server.Endpoint).WaitOrFail("the call");
        await server.Server.WhenNoConnectionsAsync().WaitOrFail("the close");

        IReadOnlyList<FakeLogRecord> logs = server.Logs.GetSnapshot();
        Assert.DoesNotContain(logs, static record => record.Message.Contains("s3cr3t", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, static record => record.Message.Contains("8642", StringComparison.Ordinal));
        Assert.Contains(logs, static record => record.Message.Contains("token=***&lang=en", StringComparison.Ordinal));
        Assert.Contains(logs, static record => record.Message == "Sent SET VARIABLE \"PIN\" \"***\"");
        Assert.Contains(logs, static record => record.Message.StartsWith("Asterisk answered GET DATA: 200 result=*** ", StringComparison.Ordinal));
        Assert.Contains(logs, static record => record.Message.StartsWith("Asterisk answered GET VARIABLE: 200 result=1 (***)", StringComparison.Ordinal));

        // The digits the script itself writes into a command are the script's business (NOOP here): only replies are masked.
        Assert.Equal(1, logs.Count(static record => record.Message.Contains("4111222233334444", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task What_a_peer_sent_is_escaped_in_the_call_line()
    {
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("x", (call, hangup) => Task.CompletedTask));
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Timeout = TestTimeouts.Default });
        asterisk.Environment.Script("x").CallerId("\u001b[31m5551234");
        await asterisk.CallAsync(server.Endpoint).WaitOrFail("the call");
        await server.Server.WhenNoConnectionsAsync().WaitOrFail("the close");

        FakeLogRecord line = Assert.Single(server.LogsWithId(AgiEventIds.CallEnded));
        Assert.DoesNotContain('\u001b', line.Message);
        Assert.Contains("\\x1b[31m5551234", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_count_calls_and_connections_apart_and_commands_by_verb_and_status()
    {
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("ivr/{tenant}", async (call, hangup) =>
        {
            await call.NoopAsync("ok", hangup);
            await call.SendCommandAsync("FROB", ["x"], hangup);
        }));
        var meterFactory = server.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var active = new MetricCollector<long>(meterFactory, AgiDiagnostics.MeterName, "fastagi.server.active_calls");
        using var open = new MetricCollector<long>(meterFactory, AgiDiagnostics.MeterName, "fastagi.server.open_connections");
        using var calls = new MetricCollector<long>(meterFactory, AgiDiagnostics.MeterName, "fastagi.server.calls");
        using var duration = new MetricCollector<double>(meterFactory, AgiDiagnostics.MeterName, "fastagi.server.call.duration");
        using var commandDuration = new MetricCollector<double>(meterFactory, AgiDiagnostics.MeterName, "fastagi.server.command.duration");

        // A connection that sends nothing is a connection, not a call.
        await using (RawAgiConnection silent = await server.ConnectRawAsync())
        {
            await WaitForAsync(() => Sum(open) == 1, "the silent connection to be counted");
            Assert.Equal(0, Sum(active));
        }

        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Timeout = TestTimeouts.Default, ThrowOnFailure = false });
        asterisk.Environment.Script("ivr/{tenant}");
        await asterisk.CallAsync(server.Endpoint).WaitOrFail("the call");
        var unknown = new FakeAsterisk(new FakeAsteriskOptions { Timeout = TestTimeouts.Default, ThrowOnFailure = false });
        unknown.Environment.Script("nowhere/%0A");
        await unknown.CallAsync(server.Endpoint).WaitOrFail("the unknown call");
        await server.Server.WhenNoConnectionsAsync().WaitOrFail("the close");

        Assert.Equal(0, Sum(active));
        Assert.Equal(0, Sum(open));
        Assert.Contains(calls.GetMeasurementSnapshot(), static m => Tag(m.Tags, "fastagi.script") == "ivr/{tenant}" && Tag(m.Tags, "fastagi.call.outcome") == "completed");
        Assert.Contains(calls.GetMeasurementSnapshot(), static m => Tag(m.Tags, "fastagi.script") == "(unmatched)" && Tag(m.Tags, "fastagi.call.outcome") == "not_found");
        Assert.Contains(duration.GetMeasurementSnapshot(), static m => Tag(m.Tags, "fastagi.script") == "ivr/{tenant}" && m.Value > 0);
        Assert.Contains(commandDuration.GetMeasurementSnapshot(), static m => Tag(m.Tags, "fastagi.command") == "OTHER" && Tag(m.Tags, "fastagi.reply.status") == "510");
        Assert.Contains(commandDuration.GetMeasurementSnapshot(), static m => Tag(m.Tags, "fastagi.command") == "NOOP" && Tag(m.Tags, "fastagi.reply.status") == "200" && m.Value > 0);
    }

    [Fact]
    public async Task Hangups_are_counted_by_how_the_server_learnt_them_and_refusals_by_reason()
    {
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("ivr", async (call, hangup) =>
            {
                await call.NoopAsync("first", hangup);
                await call.NoopAsync("second", hangup);
            }),
            options => options.AllowedPeers = "127.0.0.1");
        var meterFactory = server.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var hangups = new MetricCollector<long>(meterFactory, AgiDiagnostics.MeterName, "fastagi.server.hangups");
        using var refused = new MetricCollector<long>(meterFactory, AgiDiagnostics.MeterName, "fastagi.server.connections.refused");

        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Timeout = TestTimeouts.Default, ThrowOnFailure = false });
        asterisk.Environment.Script("ivr");
        asterisk.Caller.HangsUpAfter(1);
        await asterisk.CallAsync(server.Endpoint).WaitOrFail("the call");

        await using (RawAgiConnection foreign = await RawAgiConnection.ConnectAsync(server.Endpoint, System.Net.IPAddress.Parse("127.0.0.2")))
        {
            await foreign.ExpectClosedAsync(allowReset: true);
        }

        await using (RawAgiConnection garbage = await server.ConnectRawAsync())
        {
            await garbage.SendAsync("agi_network: yes\nnot an environment line\n\n");
            await garbage.ExpectClosedAsync(allowReset: true);
        }

        await server.Server.WhenNoConnectionsAsync().WaitOrFail("the close");
        Assert.Contains(hangups.GetMeasurementSnapshot(), static m => Tag(m.Tags, "fastagi.hangup.reason") is "hangup" or "dead_channel");
        Assert.Contains(refused.GetMeasurementSnapshot(), static m => Tag(m.Tags, "fastagi.refusal.reason") == "allowlist");
        Assert.Contains(refused.GetMeasurementSnapshot(), static m => Tag(m.Tags, "fastagi.refusal.reason") == "protocol_error");
    }

    [Fact]
    public async Task A_call_is_a_server_span_and_each_command_a_child_span_without_arguments_unless_asked()
    {
        using var spans = new SpanRecorder();
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("ivr", async (call, hangup) =>
            {
                await call.NoopAsync("hello", hangup);
                await call.SetVariableAsync("PIN", "1234", hangup);
            }),
            options => options.RedactedVariables = "PIN");
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Timeout = TestTimeouts.Default });
        asterisk.Environment.Script("ivr").UniqueId("1700000902.3").Channel("PJSIP/carol-1");
        await asterisk.CallAsync(server.Endpoint).WaitOrFail("the call");
        await server.Server.WhenNoConnectionsAsync().WaitOrFail("the close");

        Activity call = Assert.Single(spans.Stopped, static span => span.OperationName == "AGI ivr");
        Assert.Equal(ActivityKind.Server, call.Kind);
        Assert.Equal("ivr", call.GetTagItem("fastagi.script"));
        Assert.Equal("1700000902.3", call.GetTagItem("fastagi.uniqueid"));
        Assert.Equal("PJSIP/carol-1", call.GetTagItem("fastagi.channel"));
        Assert.Equal("completed", call.GetTagItem("fastagi.call.outcome"));
        Assert.Equal("127.0.0.1", call.GetTagItem("network.peer.address"));

        Activity[] commands = [.. spans.Stopped.Where(span => span.ParentSpanId == call.SpanId)];
        Assert.Equal(["AGI NOOP", "AGI SET VARIABLE"], commands.Select(static span => span.OperationName));
        Assert.All(commands, static span => Assert.Equal("200", span.GetTagItem("fastagi.reply.status")));
        Assert.All(commands, static span => Assert.Null(span.GetTagItem("fastagi.command.arguments")));
    }

    [Theory]
    [InlineData(ActivitySamplingResult.None)]
    [InlineData(ActivitySamplingResult.PropagationData)]
    public async Task A_call_the_sampler_drops_leaves_no_command_spans(ActivitySamplingResult dropped)
    {
        // Drops the call, as a ratio sampler does most calls (OpenTelemetry's keep the context: PropagationData), and would
        // record anything else that asked.
        using var spans = new SpanRecorder(name => name == "AGI ivr" ? dropped : ActivitySamplingResult.AllDataAndRecorded);
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("ivr", (call, hangup) => call.NoopAsync("hello", hangup).AsTask()));
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Timeout = TestTimeouts.Default });
        asterisk.Environment.Script("ivr");
        await asterisk.CallAsync(server.Endpoint).WaitOrFail("the call");
        await server.Server.WhenNoConnectionsAsync().WaitOrFail("the close");

        Assert.DoesNotContain(spans.Stopped, static span => span.OperationName.StartsWith("AGI NOOP", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Command_spans_carry_arguments_when_asked_redacted_as_logs_are()
    {
        using var spans = new SpanRecorder();
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("ivr", (call, hangup) => call.SetVariableAsync("PIN", "1234", hangup).AsTask()),
            options =>
            {
                options.RedactedVariables = "PIN";
                options.TraceCommandArguments = true;
            });
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Timeout = TestTimeouts.Default });
        asterisk.Environment.Script("ivr");
        await asterisk.CallAsync(server.Endpoint).WaitOrFail("the call");
        await server.Server.WhenNoConnectionsAsync().WaitOrFail("the close");

        Activity command = Assert.Single(spans.Stopped, static span => span.OperationName == "AGI SET VARIABLE");
        Assert.Equal("\"PIN\" \"***\"", command.GetTagItem("fastagi.command.arguments"));
    }

    private static long Sum(MetricCollector<long> collector) => collector.GetMeasurementSnapshot().Sum(static m => m.Value);

    private static string? Tag(IReadOnlyDictionary<string, object?> tags, string name) => tags.TryGetValue(name, out object? value) ? value as string : null;

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Records every FastAgi span stopped while it lives.</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly System.Collections.Concurrent.ConcurrentQueue<Activity> _stopped = new();

        public SpanRecorder(Func<string, ActivitySamplingResult>? sampling = null)
        {
            sampling ??= static _ => ActivitySamplingResult.AllDataAndRecorded;
            _listener = new ActivityListener
            {
                ShouldListenTo = static source => source.Name == AgiDiagnostics.ActivitySourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> options) => sampling(options.Name),
                ActivityStopped = _stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyCollection<Activity> Stopped => _stopped;

        public void Dispose() => _listener.Dispose();
    }
}

/// <summary>Tests that listen to FastAgi's activity source run one at a time: a listener sees every server's spans.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ActivityListenerTests
{
    /// <summary>The collection's name.</summary>
    public const string Name = "FastAgi activity listeners";
}

/// <summary>The readiness check a host maps to <c>/readyz</c>.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task The_server_is_ready_while_it_has_room_and_not_at_capacity()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("hold", async (call, hangup) =>
            {
                running.TrySetResult();
                await release.Task.WaitAsync(hangup);
            }).AddHealthChecks(),
            options => options.MaxConcurrentCalls = 1);
        server.AllowErrors(static record => record.Category == "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService");
        var health = server.Services.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>();

        Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport ready = await health.CheckHealthAsync(static check => check.Tags.Contains(AgiServerHealthCheck.ReadyTag));
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, ready.Status);

        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Timeout = TestTimeouts.Default });
        asterisk.Environment.Script("hold");
        Task<FakeCallResult> call = asterisk.CallAsync(server.Endpoint);
        await running.Task.WaitOrFail("the call to start");

        Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport full = await health.CheckHealthAsync();
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, full.Status);
        Assert.Contains("At capacity", full.Entries[AgiServerHealthCheck.Name].Description, StringComparison.Ordinal);

        release.SetResult();
        await call.WaitOrFail("the call");
    }
}
