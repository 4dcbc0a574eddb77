using FastAgi.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FastAgi.Cli.Tests.Docs.Observability;

/// <summary>The ASP.NET Core host of docs/observability.md.</summary>
public static class ObservabilityProgram
{
    public static void Run(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddFastAgi(builder.Configuration.GetSection("FastAgi"))
            .MapScript<MainMenu>("ivr/main")
            .AddHealthChecks();                                      // the "fastagi" check, tagged "ready"
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddFastAgiInstrumentation().AddPrometheusExporter())
            .WithTracing(tracing => tracing.AddFastAgiInstrumentation().AddOtlpExporter());

        var app = builder.Build();
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains(AgiServerHealthCheck.ReadyTag) });
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.Run();
    }
}

public sealed class MainMenu : FastAgi.Routing.IAgiScript
{
    public Task RunAsync(FastAgi.Server.AgiSession session, CancellationToken cancellationToken) => Task.CompletedTask;
}
