using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using FastAgi.Diagnostics;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;

namespace FastAgi.Benchmarks;

/// <summary>
/// What observing a command costs: a call of 100 NOOP served by the connection handler over in-memory pipes, with nothing
/// listening (the default), with a meter listener collecting FastAgi's instruments, and with an activity listener recording
/// every span. Logging is off, as a host at Information writes nothing per command.
/// </summary>
[MemoryDiagnoser]
public class TelemetryBenchmarks
{
    private const int Commands = 100;
    private static readonly byte[] Environment = InMemoryCall.EnvironmentFor("noops");

    private ServiceProvider? _services;
    private AgiConnectionHandler? _handler;
    private MeterListener? _meters;
    private ActivityListener? _spans;

    /// <summary>What listens.</summary>
    public enum Listening
    {
        /// <summary>Nothing: no listener, the instruments disabled.</summary>
        Nothing,

        /// <summary>A meter listener on the FastAgi meter, as an OpenTelemetry MeterProvider is.</summary>
        Metrics,

        /// <summary>Metrics, and an activity listener that records every FastAgi span.</summary>
        MetricsAndSpans,
    }

    [Params(Listening.Nothing, Listening.Metrics, Listening.MetricsAndSpans)]
    public Listening Listen { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddFastAgi().MapScript("noops", async (call, hangup) =>
        {
            for (int i = 0; i < Commands; i++)
            {
                await call.SendCommandAsync("NOOP", hangup).ConfigureAwait(false);
            }
        });
        _services = services.BuildServiceProvider();
        _handler = _services.GetRequiredService<AgiConnectionHandler>();
        if (Listen != Listening.Nothing)
        {
            _meters = new MeterListener
            {
                InstrumentPublished = static (instrument, listener) =>
                {
                    if (instrument.Meter.Name == AgiDiagnostics.MeterName)
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _meters.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
            _meters.SetMeasurementEventCallback<double>(static (_, _, _, _) => { });
            _meters.Start();
        }

        if (Listen == Listening.MetricsAndSpans)
        {
            _spans = new ActivityListener
            {
                ShouldListenTo = static source => source.Name == AgiDiagnostics.ActivitySourceName,
                Sample = static (ref ActivityCreationOptions<ActivityContext> options) => ActivitySamplingResult.AllDataAndRecorded,
            };
            ActivitySource.AddActivityListener(_spans);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _spans?.Dispose();
        _meters?.Dispose();
        _services?.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Commands, Description = "one NOOP, within a call of 100")]
    public Task RunCommands() => InMemoryCall.RunAsync(_handler!, Environment);
}
