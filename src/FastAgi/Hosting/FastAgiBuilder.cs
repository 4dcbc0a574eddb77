using System.Diagnostics.CodeAnalysis;
using FastAgi.Protocol;
using FastAgi.Routing;
using FastAgi.Server;
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

    /// <summary>Runs <paramref name="script"/> for calls to <c>agi://host/<paramref name="path"/></c>; the path may be a template such as <c>ivr/{tenant}/main</c>.</summary>
    public FastAgiBuilder MapScript(string path, AgiScript script)
    {
        Routes.Map(path, script);
        return this;
    }

    /// <summary>Runs a <typeparamref name="TScript"/> created from the call's service scope for calls to <c>agi://host/<paramref name="path"/></c> (a path or a template).</summary>
    public FastAgiBuilder MapScript<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TScript>(string path)
        where TScript : class, IAgiScript
    {
        Routes.Map(path, ScriptOf<TScript>(Services));
        return this;
    }

    /// <summary>
    /// Runs a lambda <paramref name="script"/> whose parameters FastAgi binds by name and type: <see cref="AgiSession"/>,
    /// <see cref="CancellationToken"/> (the hangup token), <see cref="AgiRequest"/>, <see cref="AgiRouteValues"/>, simple types
    /// (<c>string</c>, numbers, <c>bool</c>, <c>Guid</c>, enums; nullable when optional) from the route, else the query, or as
    /// <see cref="FromRouteAttribute"/>, <see cref="FromQueryAttribute"/> and <see cref="FromArgumentAttribute"/> say, and
    /// services from the call's scope. The binding is generated at compile time (no reflection: trimming and NativeAOT work).
    /// </summary>
    /// <exception cref="InvalidOperationException">The call was not compiled with FastAgi's source generator.</exception>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Called on the builder, where the source generator intercepts it.")]
    public FastAgiBuilder MapScript(string path, Delegate script)
    {
        ArgumentNullException.ThrowIfNull(script);
        throw new InvalidOperationException(UnboundScript);
    }

    /// <summary>Why a <c>MapScript(path, Delegate)</c> call that the source generator did not intercept cannot run.</summary>
    internal const string UnboundScript = "MapScript(path, script) with parameters other than (AgiSession, CancellationToken) needs FastAgi's source generator, which binds them without reflection; it comes with the FastAgi package (in a C# project that references the package, and with InterceptorsNamespaces including FastAgi.Generated, which the package sets). Without it, take (AgiSession session, CancellationToken hangup) and read session.RouteValues, session.Request and session.Services.";

    /// <summary>A group of routes under <paramref name="prefix"/> (<c>tenant/{tenant}</c>), sharing middleware of their own.</summary>
    /// <exception cref="FormatException">The prefix is not a valid path template.</exception>
    public AgiRouteGroup MapGroup(string prefix) => new(Services, Routes, prefix, null);

    /// <summary>
    /// Adds <paramref name="middleware"/> around every script, the fallback included: it gets the call and the rest of the
    /// pipeline, and runs that with <c>await next()</c>, or ends the call without it. It runs inside the call's service and
    /// logging scopes, in the order added, before any group's middleware.
    /// </summary>
    public FastAgiBuilder Use(Func<AgiSession, Func<Task>, Task> middleware)
    {
        Routes.Use(middleware);
        return this;
    }

    /// <summary>Adds a <typeparamref name="TMiddleware"/>, created from each call's service scope, around every script.</summary>
    public FastAgiBuilder Use<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TMiddleware>()
        where TMiddleware : class, IAgiMiddleware
    {
        Routes.UseWrapper(MiddlewareOf<TMiddleware>(Services));
        return this;
    }

    /// <summary>Registers <typeparamref name="TScript"/> in the call scope and returns the script that creates and runs it.</summary>
    internal static AgiScript ScriptOf<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TScript>(IServiceCollection services)
        where TScript : class, IAgiScript
    {
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddScoped<TScript>(services);
        return static (session, cancellationToken) => session.Services.GetRequiredService<TScript>().RunAsync(session, cancellationToken);
    }

    /// <summary>Registers <typeparamref name="TMiddleware"/> in the call scope and returns the wrapper that creates and runs it.</summary>
    internal static Func<AgiScript, AgiScript> MiddlewareOf<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TMiddleware>(IServiceCollection services)
        where TMiddleware : class, IAgiMiddleware
    {
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddScoped<TMiddleware>(services);
        return static next => (session, cancellationToken) => session.Services.GetRequiredService<TMiddleware>().InvokeAsync(session, () => next(session, cancellationToken));
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
