namespace FastAgi.Routing;

/// <summary>What a route group adds to the routes mapped in it: its middleware, after its parent group's.</summary>
internal sealed class AgiRouteGroupConventions(AgiRouteGroupConventions? parent)
{
    public AgiRouteGroupConventions? Parent { get; } = parent;

    public List<Func<AgiScript, AgiScript>> Middleware { get; } = [];
}
