using System.Diagnostics.CodeAnalysis;
using FastAgi.Routing;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;

namespace FastAgi.Hosting;

/// <summary>
/// Routes under a common prefix, from <see cref="FastAgiBuilder.MapGroup"/>: <c>MapGroup("tenant/{tenant}").MapScript("main", …)</c>
/// maps <c>tenant/{tenant}/main</c>. Middleware added to the group runs around its scripts only (those mapped before it as
/// well), inside the table's middleware and outside the middleware of groups within it.
/// </summary>
public sealed class AgiRouteGroup
{
    private readonly IServiceCollection _services;
    private readonly AgiRouteTable _routes;
    private readonly AgiRouteGroupConventions _conventions;

    internal AgiRouteGroup(IServiceCollection services, AgiRouteTable routes, string prefix, AgiRouteGroup? parent)
    {
        ArgumentNullException.ThrowIfNull(prefix);

        // Parsed now so that a malformed prefix fails where it is written, not at the first route.
        string normalized = AgiRouteTemplate.Parse(prefix).Text;
        _services = services;
        _routes = routes;
        _conventions = new AgiRouteGroupConventions(parent?._conventions);
        Prefix = parent is null || parent.Prefix.Length == 0 ? normalized : normalized.Length == 0 ? parent.Prefix : parent.Prefix + "/" + normalized;
    }

    /// <summary>The group's path prefix, its parents' included, normalized.</summary>
    public string Prefix { get; }

    /// <summary>Runs <paramref name="script"/> for calls to the group's prefix followed by <paramref name="path"/> (a path or a template; empty for the prefix itself).</summary>
    public AgiRouteGroup MapScript(string path, AgiScript script)
    {
        _routes.Map(Combine(path), script, _conventions);
        return this;
    }

    /// <summary>Runs a <typeparamref name="TScript"/> created from the call's service scope for calls to the group's prefix followed by <paramref name="path"/>.</summary>
    public AgiRouteGroup MapScript<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TScript>(string path)
        where TScript : class, IAgiScript
    {
        _routes.Map(Combine(path), FastAgiBuilder.ScriptOf<TScript>(_services), _conventions);
        return this;
    }

    /// <summary>Runs a lambda <paramref name="script"/> whose parameters FastAgi binds by name and type, as <see cref="FastAgiBuilder.MapScript(string, Delegate)"/> does, under the group's prefix.</summary>
    /// <exception cref="InvalidOperationException">The call was not compiled with FastAgi's source generator.</exception>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Called on the builder, where the source generator intercepts it.")]
    public AgiRouteGroup MapScript(string path, Delegate script)
    {
        ArgumentNullException.ThrowIfNull(script);
        throw new InvalidOperationException(FastAgiBuilder.UnboundScript);
    }

    /// <summary>The group's routes, for the code the source generator writes.</summary>
    internal AgiRouteTable Routes => _routes;

    /// <summary>The full path of <paramref name="path"/> in this group.</summary>
    internal string PathOf(string path) => Combine(path);

    /// <summary>A group within this one, under <paramref name="prefix"/> after this group's prefix.</summary>
    public AgiRouteGroup MapGroup(string prefix) => new(_services, _routes, prefix, this);

    /// <summary>Adds <paramref name="middleware"/> around the scripts of this group and of the groups within it.</summary>
    public AgiRouteGroup Use(Func<AgiSession, Func<Task>, Task> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        _conventions.Middleware.Add(AgiRouteTable.Wrap(middleware));
        _routes.Invalidate();
        return this;
    }

    /// <summary>Adds a <typeparamref name="TMiddleware"/>, created from each call's service scope, around the scripts of this group.</summary>
    public AgiRouteGroup Use<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TMiddleware>()
        where TMiddleware : class, IAgiMiddleware
    {
        _conventions.Middleware.Add(FastAgiBuilder.MiddlewareOf<TMiddleware>(_services));
        _routes.Invalidate();
        return this;
    }

    private string Combine(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string trimmed = path.Trim('/');
        return Prefix.Length == 0 ? trimmed : trimmed.Length == 0 ? Prefix : Prefix + "/" + trimmed;
    }
}
