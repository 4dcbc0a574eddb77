using System.Globalization;
using System.Net;
using FastAgi.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FastAgi.Cli;

/// <summary>The HTTP side of <c>fastagi serve</c>: health, readiness and Prometheus metrics on their own port, and optional OTLP traces.</summary>
internal static class ServeEndpoints
{
    /// <summary>The configuration key of the HTTP endpoint (<c>--http</c>).</summary>
    public const string HttpListenKey = "Http:Listen";

    /// <summary>The configuration key of the share of calls traced and exported over OTLP (0, the default, traces nothing).</summary>
    public const string TraceSampleRatioKey = "Tracing:SampleRatio";

    /// <summary>Reads <c>Http:Listen</c> from the sources the host reads (appsettings.json, environment, command line) before the host exists.</summary>
    public static string? HttpListen(string[] hostArgs)
        => new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(hostArgs)
            .Build()[HttpListenKey];

    /// <summary>Parses <c>ADDRESS:PORT</c> (<c>127.0.0.1:9464</c>, <c>[::1]:9464</c>; port 0 picks a free one).</summary>
    /// <exception cref="FormatException">It is not an address and port.</exception>
    public static IPEndPoint ParseHttpListen(string value)
    {
        if (!IPEndPoint.TryParse(value.Trim(), out IPEndPoint? endpoint) || !value.Contains(':', StringComparison.Ordinal) || value.TrimEnd().EndsWith(':'))
        {
            throw new FormatException($"Http:Listen: '{value}' is not ADDRESS:PORT, such as 127.0.0.1:9464.");
        }

        return endpoint;
    }

    /// <summary>An ASP.NET Core host with the server configured by <paramref name="configure"/> and the endpoints on <paramref name="endpoint"/>.</summary>
    public static WebApplication BuildWebHost(string[] hostArgs, IPEndPoint endpoint, Action<IHostApplicationBuilder> configure)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = hostArgs,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint));
        configure(builder);
        builder.Services.AddOpenTelemetry().WithMetrics(static metrics => metrics.AddFastAgiInstrumentation().AddPrometheusExporter());

        WebApplication app = builder.Build();

        // Liveness runs no check (the process answers); readiness is the server's: 503 while it drains or is full.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = static _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = static check => check.Tags.Contains(AgiServerHealthCheck.ReadyTag) });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>With <c>Tracing:SampleRatio</c> above 0, samples that share of calls and exports their spans over OTLP (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    /// <exception cref="FormatException">The ratio is not a number from 0 to 1.</exception>
    public static void AddTracing(IHostApplicationBuilder builder)
    {
        string? setting = builder.Configuration[TraceSampleRatioKey];
        if (string.IsNullOrWhiteSpace(setting))
        {
            return;
        }

        if (!double.TryParse(setting, NumberStyles.Float, CultureInfo.InvariantCulture, out double ratio) || ratio is < 0 or > 1)
        {
            throw new FormatException($"{TraceSampleRatioKey}: '{setting}' is not a number from 0 to 1.");
        }

        if (ratio > 0)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing
                .AddFastAgiInstrumentation()
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)))
                .AddOtlpExporter());
        }
    }
}
