using System.Diagnostics.CodeAnalysis;

namespace FastAgi.Routing;

/// <summary>Maps script paths (the path of <c>agi://host/ivr/main?lang=fr</c>, here <c>ivr/main</c>) to scripts.</summary>
/// <remarks>Paths compare case-insensitively and without leading or trailing <c>/</c>, so <c>/IVR/Main/</c> finds <c>ivr/main</c>.</remarks>
public sealed class AgiRouteTable
{
    private readonly Dictionary<string, AgiScript> _routes = new(StringComparer.OrdinalIgnoreCase);

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
        if (!_routes.TryAdd(key, script))
        {
            throw new InvalidOperationException($"The script path '{key}' is mapped twice.");
        }
    }

    /// <summary>Finds the script for <paramref name="path"/>, or the <see cref="Fallback"/>.</summary>
    public bool TryResolve(string path, [NotNullWhen(true)] out AgiScript? script)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (_routes.TryGetValue(Normalize(path), out script))
        {
            return true;
        }

        script = Fallback;
        return script is not null;
    }

    private static string Normalize(string path) => path.Trim('/');
}
