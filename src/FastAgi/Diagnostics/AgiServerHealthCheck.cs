using FastAgi.Server;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FastAgi.Diagnostics;

/// <summary>
/// Readiness of the FastAGI server: healthy while it listens and has room for calls; unhealthy before it listens, while
/// it drains (after SIGTERM) and at capacity, so that a load balancer sends the next call elsewhere.
/// </summary>
public sealed class AgiServerHealthCheck(AgiServer server) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "fastagi";

    /// <summary>The tag of readiness checks: map <c>/readyz</c> to the checks that carry it.</summary>
    public const string ReadyTag = "ready";

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["active_calls"] = server.ActiveCalls,
            ["max_concurrent_calls"] = server.MaxConcurrentCalls,
            ["open_connections"] = server.ActiveConnections,
        };
        HealthCheckResult result = server.IsStopping
            ? HealthCheckResult.Unhealthy(server.IsDraining ? "Draining: the server is stopping and takes no new calls." : "Stopping: the server serves until its drain delay is over, then drains.", data: data)
            : server.Endpoints.Count == 0
                ? HealthCheckResult.Unhealthy("Not listening yet.", data: data)
                : server.IsAtCapacity
                    ? HealthCheckResult.Unhealthy($"At capacity: {server.ActiveCalls} of {server.MaxConcurrentCalls} calls.", data: data)
                    : HealthCheckResult.Healthy($"Listening on {string.Join(", ", server.Endpoints)}; {server.ActiveCalls} of {server.MaxConcurrentCalls} calls.", data);
        return Task.FromResult(result);
    }
}
