using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using FastAgi.Hosting;
using Microsoft.Extensions.Compliance.Redaction;

namespace FastAgi.Diagnostics;

/// <summary>
/// The server's instruments (on <see cref="AgiDiagnostics.MeterName"/>), its activity source, and the redactors for what
/// reaches logs and traces. Every instrument is checked with <c>Enabled</c> first, so nothing is measured, tagged or
/// allocated for what no listener collects.
/// </summary>
internal sealed class AgiTelemetry
{
    /// <summary>The source of the call and command spans.</summary>
    public static readonly ActivitySource Source = new(AgiDiagnostics.ActivitySourceName, typeof(AgiTelemetry).Assembly.GetName().Version?.ToString());

    private static readonly InstrumentAdvice<double> CallBuckets = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400],
    };

    // From a loopback round trip (tens of µs) to a Dial that lasts hours.
    private static readonly InstrumentAdvice<double> CommandBuckets = new()
    {
        HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400],
    };

    private static readonly FrozenDictionary<string, string> CommandSpanNames =
        Protocol.AgiCommandNames.All.ToFrozenDictionary(static name => name, static name => "AGI " + name, StringComparer.Ordinal);

    private readonly UpDownCounter<long> _activeCalls;
    private readonly UpDownCounter<long> _openConnections;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _callDuration;
    private readonly Histogram<double> _commandDuration;
    private readonly Counter<long> _hangups;
    private readonly Counter<long> _connectionErrors;
    private readonly Counter<long> _connectionsRefused;
    private readonly Counter<long> _loopsBlocked;
    private Func<bool>? _ready;
    private readonly FrozenSet<string> _redactedVariables;
    private readonly FrozenSet<string> _redactedQueryParameters;

    public AgiTelemetry(IMeterFactory meterFactory, AgiServerOptions options, IRedactorProvider? redactors)
    {
        Meter meter = meterFactory.Create(AgiDiagnostics.MeterName);
        _activeCalls = meter.CreateUpDownCounter<long>("fastagi.server.active_calls", "{call}", "Calls being served: from a complete environment to the close.");
        _openConnections = meter.CreateUpDownCounter<long>("fastagi.server.open_connections", "{connection}", "Connections open: calls, connections still sending their environment, and refusals.");
        _calls = meter.CreateCounter<long>("fastagi.server.calls", "{call}", "Calls ended, by script and outcome.");
        _callDuration = meter.CreateHistogram("fastagi.server.call.duration", "s", "Time from a call's environment to its close, by script and outcome.", advice: CallBuckets);
        // One instrument per command, not two: the histogram's count is the number of commands by verb and status.
        _commandDuration = meter.CreateHistogram("fastagi.server.command.duration", "s", "Time from writing a command to its reply, by command and reply status (200, 510, 511, 520, or how it ended without a reply); its count is the commands.", advice: CommandBuckets);
        _hangups = meter.CreateCounter<long>("fastagi.server.hangups", "{hangup}", "Calls that hung up during their script, by how the server learnt it.");
        _connectionErrors = meter.CreateCounter<long>("fastagi.server.connection.errors", "{error}", "Connections that ended in a protocol or transport error.");
        _loopsBlocked = meter.CreateCounter<long>("fastagi.server.event_loop.blocked", "{episode}", "Times a script kept an event loop busy for over a second.");
        meter.CreateObservableGauge("fastagi.server.ready", () => Volatile.Read(ref _ready)?.Invoke() == true ? 1 : 0, "{instance}", "1 while the server listens, has room and is not draining (what /readyz answers 200 to); 0 otherwise.");
        _connectionsRefused = meter.CreateCounter<long>("fastagi.server.connections.refused", "{connection}", "Connections refused, by reason: allowlist, capacity, shutdown, limit, environment_timeout, protocol_error.");

        CallerInput = redactors?.GetRedactor(AgiDataClassifications.CallerInput) ?? new AgiMaskRedactor();
        Sensitive = redactors?.GetRedactor(AgiDataClassifications.Sensitive) ?? new AgiMaskRedactor();
        RedactsCallerInput = options.RedactCallerInput;
        _redactedVariables = Split(options.RedactedVariables);
        _redactedQueryParameters = Split(options.RedactedQueryParameters);
        TraceCommandArguments = options.TraceCommandArguments;
    }

    /// <summary>Tells the readiness gauge how to read the server's readiness.</summary>
    public void ReportReadiness(Func<bool> ready) => Volatile.Write(ref _ready, ready);

    /// <summary>The redactor for what callers key.</summary>
    public Redactor CallerInput { get; }

    /// <summary>The redactor for configured variables and query parameters.</summary>
    public Redactor Sensitive { get; }

    /// <summary>Whether replies that carry caller input are redacted (the default).</summary>
    public bool RedactsCallerInput { get; }

    /// <summary>Whether command spans carry the command's arguments (redacted as logs are).</summary>
    public bool TraceCommandArguments { get; }

    /// <summary>Whether anything collects command measurements.</summary>
    public bool CommandsMeasured => _commandDuration.Enabled;

    /// <summary>Whether <paramref name="name"/> is a variable whose values are redacted.</summary>
    public bool IsRedactedVariable(string name) => _redactedVariables.Count != 0 && _redactedVariables.Contains(name);

    /// <summary>Whether the expression <paramref name="expression"/> (of GET FULL VARIABLE) names a variable whose values are redacted.</summary>
    public bool NamesRedactedVariable(string expression)
    {
        foreach (string name in _redactedVariables)
        {
            if (expression.Contains(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="name"/> is a query parameter whose values are redacted.</summary>
    public bool IsRedactedQueryParameter(ReadOnlySpan<char> name)
        => _redactedQueryParameters.Count != 0 && _redactedQueryParameters.GetAlternateLookup<ReadOnlySpan<char>>().Contains(name);

    public void ConnectionOpened()
    {
        if (_openConnections.Enabled)
        {
            _openConnections.Add(1);
        }
    }

    public void ConnectionClosed()
    {
        if (_openConnections.Enabled)
        {
            _openConnections.Add(-1);
        }
    }

    public void CallStarted()
    {
        if (_activeCalls.Enabled)
        {
            _activeCalls.Add(1);
        }
    }

    public void CallEnded(string script, string outcome, TimeSpan duration)
    {
        if (_activeCalls.Enabled)
        {
            _activeCalls.Add(-1);
        }

        var scriptTag = new KeyValuePair<string, object?>("fastagi.script", script);
        var outcomeTag = new KeyValuePair<string, object?>("fastagi.call.outcome", outcome);
        if (_calls.Enabled)
        {
            _calls.Add(1, scriptTag, outcomeTag);
        }

        if (_callDuration.Enabled)
        {
            _callDuration.Record(duration.TotalSeconds, scriptTag, outcomeTag);
        }
    }

    /// <summary>Records a command that ended: answered with <paramref name="status"/>, or not answered.</summary>
    public void CommandEnded(string command, string status, long startTimestamp)
    {
        var commandTag = new KeyValuePair<string, object?>("fastagi.command", command);
        var statusTag = new KeyValuePair<string, object?>("fastagi.reply.status", status);
        if (_commandDuration.Enabled)
        {
            _commandDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, commandTag, statusTag);
        }
    }

    public void Hangup(string reason)
    {
        if (_hangups.Enabled)
        {
            _hangups.Add(1, new KeyValuePair<string, object?>("fastagi.hangup.reason", reason));
        }
    }

    public void ConnectionRefused(string reason, int count = 1)
    {
        if (_connectionsRefused.Enabled)
        {
            _connectionsRefused.Add(count, new KeyValuePair<string, object?>("fastagi.refusal.reason", reason));
        }
    }

    public void LoopBlocked()
    {
        if (_loopsBlocked.Enabled)
        {
            _loopsBlocked.Add(1);
        }
    }

    public void ConnectionError(string errorType)
    {
        if (_connectionErrors.Enabled)
        {
            _connectionErrors.Add(1, new KeyValuePair<string, object?>("error.type", errorType));
        }
    }

    /// <summary>Starts the span of one command, a child of the call's, when something samples it.</summary>
    public Activity? StartCommandSpan(string name, string[] arguments)
    {
        Activity? span = Source.StartActivity(CommandSpanNames.TryGetValue(name, out string? spanName) ? spanName : "AGI OTHER", ActivityKind.Client);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("fastagi.command", name);
            if (TraceCommandArguments)
            {
                span.SetTag("fastagi.command.arguments", AgiCallText.Arguments(this, name, arguments));
            }
        }

        return span;
    }

    /// <summary>The tag value for a reply's status code, without allocating for the usual ones.</summary>
    public static string StatusTag(int statusCode) => statusCode switch
    {
        100 => "100",
        200 => "200",
        510 => "510",
        511 => "511",
        520 => "520",
        _ => statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static FrozenSet<string> Split(string? list)
        => (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
}
