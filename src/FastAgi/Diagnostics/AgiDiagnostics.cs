namespace FastAgi.Diagnostics;

/// <summary>The names under which FastAgi reports: enable them in OpenTelemetry, dotnet-counters or dotnet-trace.</summary>
public static class AgiDiagnostics
{
    /// <summary>The meter of the server's instruments (<c>AddMeter("FastAgi")</c>).</summary>
    public const string MeterName = "FastAgi";

    /// <summary>The activity source of the call and command spans (<c>AddSource("FastAgi")</c>).</summary>
    public const string ActivitySourceName = "FastAgi";
}
