using FastAgi.Diagnostics;

namespace OpenTelemetry.Metrics
{
    /// <summary>Enables FastAgi's metrics in OpenTelemetry: <c>.WithMetrics(m =&gt; m.AddFastAgiInstrumentation())</c>.</summary>
    public static class FastAgiMeterProviderBuilderExtensions
    {
        /// <summary>Collects the instruments of the <c>FastAgi</c> meter (<see cref="AgiDiagnostics.MeterName"/>).</summary>
        public static MeterProviderBuilder AddFastAgiInstrumentation(this MeterProviderBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            return builder.AddMeter(AgiDiagnostics.MeterName);
        }
    }
}

namespace OpenTelemetry.Trace
{
    /// <summary>Enables FastAgi's spans in OpenTelemetry: <c>.WithTracing(t =&gt; t.AddFastAgiInstrumentation())</c>.</summary>
    public static class FastAgiTracerProviderBuilderExtensions
    {
        /// <summary>Collects the call and command spans of the <c>FastAgi</c> activity source (<see cref="AgiDiagnostics.ActivitySourceName"/>).</summary>
        public static TracerProviderBuilder AddFastAgiInstrumentation(this TracerProviderBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            return builder.AddSource(AgiDiagnostics.ActivitySourceName);
        }
    }
}
