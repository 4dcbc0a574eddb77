using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FastAgi.Diagnostics;

/// <summary>The server's instruments, on the <c>FastAgi</c> meter.</summary>
internal sealed class AgiMetrics
{
    /// <summary>The meter name to enable in OpenTelemetry (<c>AddMeter("FastAgi")</c>) or dotnet-counters.</summary>
    public const string MeterName = "FastAgi";

    private readonly UpDownCounter<long> _activeCalls;
    private readonly Histogram<double> _callDuration;
    private readonly Counter<long> _connectionErrors;
    private readonly Counter<long> _connectionsRefused;
    private readonly Counter<long> _loopsBlocked;

    public AgiMetrics(IMeterFactory meterFactory)
    {
        Meter meter = meterFactory.Create(MeterName);
        _activeCalls = meter.CreateUpDownCounter<long>("fastagi.server.active_calls", "{call}", "FastAGI connections open: calls being served.");
        _callDuration = meter.CreateHistogram<double>(
            "fastagi.server.call.duration",
            "s",
            "Time from accepting the connection to closing it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800] });
        _connectionErrors = meter.CreateCounter<long>("fastagi.server.connection.errors", "{error}", "Connections that ended in a protocol or transport error.");
        _loopsBlocked = meter.CreateCounter<long>("fastagi.server.event_loop.blocked", "{episode}", "Times a script kept an event loop busy for over a second.");
        _connectionsRefused = meter.CreateCounter<long>("fastagi.server.connections.refused", "{connection}", "Connections refused: not on the allowlist, over capacity (BUSY), while draining (SHUTDOWN), or idle at capacity.");
    }

    public void CallStarted()
    {
        if (_activeCalls.Enabled)
        {
            _activeCalls.Add(1);
        }
    }

    public void CallEnded(long startTimestamp, string outcome)
    {
        if (_activeCalls.Enabled)
        {
            _activeCalls.Add(-1);
        }

        if (_callDuration.Enabled)
        {
            _callDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, new KeyValuePair<string, object?>("fastagi.call.outcome", outcome));
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
}
