namespace FastAgi.Cli.Tests;

/// <summary>
/// Tests whose host collects metrics with OpenTelemetry run alone: a MeterProvider listens to every meter named
/// <c>FastAgi</c> in the process, so another test's server running alongside would mix its calls into the figures.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryHostsTests
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Hosts with OpenTelemetry metrics";
}
