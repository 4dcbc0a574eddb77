using System.Diagnostics.CodeAnalysis;
using FastAgi.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FastAgi.Hosting;

/// <summary>Maps script paths to scripts after <c>AddFastAgi</c>: <c>services.AddFastAgi().MapScript("ivr/main", ...)</c>.</summary>
public sealed class FastAgiBuilder
{
    internal FastAgiBuilder(IServiceCollection services, AgiRouteTable routes)
    {
        Services = services;
        Routes = routes;
    }

    /// <summary>The service collection the server is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The route table the server resolves scripts from.</summary>
    public AgiRouteTable Routes { get; }

    /// <summary>Runs <paramref name="script"/> for calls to <c>agi://host/<paramref name="path"/></c>.</summary>
    public FastAgiBuilder MapScript(string path, AgiScript script)
    {
        Routes.Map(path, script);
        return this;
    }

    /// <summary>Runs a <typeparamref name="TScript"/> created from the call's service scope for calls to <c>agi://host/<paramref name="path"/></c>.</summary>
    public FastAgiBuilder MapScript<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TScript>(string path)
        where TScript : class, IAgiScript
    {
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddScoped<TScript>(Services);
        Routes.Map(path, static (session, cancellationToken) => session.Services.GetRequiredService<TScript>().RunAsync(session, cancellationToken));
        return this;
    }

    /// <summary>
    /// Adds the server's readiness to the application's health checks, tagged <c>ready</c>: unhealthy before it listens,
    /// while it drains and at capacity. In ASP.NET Core, <c>app.MapHealthChecks("/readyz", new() { Predicate = c =&gt; c.Tags.Contains("ready") })</c>.
    /// </summary>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">The check's tags; <c>ready</c> when <see langword="null"/>.</param>
    public FastAgiBuilder AddHealthChecks(string name = FastAgi.Diagnostics.AgiServerHealthCheck.Name, IEnumerable<string>? tags = null)
    {
        Services.AddHealthChecks().AddCheck<FastAgi.Diagnostics.AgiServerHealthCheck>(
            name,
            Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy,
            tags ?? [FastAgi.Diagnostics.AgiServerHealthCheck.ReadyTag]);
        return this;
    }

    /// <summary>Runs <paramref name="script"/> for calls whose path has no script of its own.</summary>
    public FastAgiBuilder MapFallback(AgiScript script)
    {
        Routes.Fallback = script;
        return this;
    }
}
