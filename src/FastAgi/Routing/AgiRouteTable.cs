using System.Diagnostics.CodeAnalysis;

namespace FastAgi.Routing;

/// <summary>Maps script paths (the path of <c>agi://host/ivr/main?lang=fr</c>, here <c>ivr/main</c>) to scripts.</summary>
/// <remarks>Paths compare case-insensitively and without leading or trailing <c>/</c>, so <c>/IVR/Main/</c> finds <c>ivr/main</c>.</remarks>
public sealed class AgiRouteTable
{
    /// <summary>The route name in metrics and traces of a call that no path matched and the <see cref="Fallback"/> served.</summary>
    public const string FallbackRoute = "(fallback)";

    /// <summary>The route name in metrics and traces of a call that no path matched and no fallback served.</summary>
    public const string UnmatchedRoute = "(unmatched)";

    private readonly Dictionary<string, (string Path, AgiScript Script)> _routes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The paths that have a script, normalized.</summary>
    public IReadOnlyCollection<string> Paths => _routes.Keys;

    /// <summary>The script run when no path matches, or <see langword="null"/> to report the call as not found.</summary>
    public AgiScript? Fallback { get; set; }

    /// <summary>Maps <paramref name="path"/> to <paramref name="script"/>.</summary>
    /// <exception cref="InvalidOperationException">The path already has a script.</exception>
    public void Map(string path, AgiScript script)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(script);
        string key = Normalize(path);
        if (!_routes.TryAdd(key, (key, script)))
        {
            throw new InvalidOperationException($"The script path '{key}' is mapped twice.");
        }
    }

    /// <summary>Finds the script for <paramref name="path"/>, or the <see cref="Fallback"/>.</summary>
    public bool TryResolve(string path, [NotNullWhen(true)] out AgiScript? script)
    {
        return TryResolve(path, out script, out _);
    }

    /// <summary>Finds the script for <paramref name="path"/>, or the <see cref="Fallback"/>, and the name of the route that matched: the mapped path (as mapped, so that metrics have one series per route whatever the caller's spelling), or <see cref="FallbackRoute"/>.</summary>
    internal bool TryResolve(string path, [NotNullWhen(true)] out AgiScript? script, [NotNullWhen(true)] out string? route)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (_routes.TryGetValue(Normalize(path), out (string Path, AgiScript Script) found))
        {
            (route, script) = found;
            return true;
        }

        script = Fallback;
        route = script is null ? null : FallbackRoute;
        return script is not null;
    }

    /// <summary>The route name of <paramref name="path"/> without running anything: the mapped path, <see cref="FallbackRoute"/> or <see cref="UnmatchedRoute"/>.</summary>
    internal string RouteOf(string path) => TryResolve(path, out _, out string? route) ? route : UnmatchedRoute;

    private static string Normalize(string path) => path.Trim('/');
}
