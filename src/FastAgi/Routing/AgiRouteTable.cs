using System.Diagnostics.CodeAnalysis;
using FastAgi.Server;

namespace FastAgi.Routing;

/// <summary>
/// Maps script paths (the path of <c>agi://host/ivr/main?lang=fr</c>, here <c>ivr/main</c>) to scripts: exact paths, and
/// templates such as <c>ivr/{tenant}/main</c>, <c>account/{id:int}</c>, <c>menu/{lang?}</c> or <c>files/{*rest}</c>, whose
/// values the script reads in <see cref="AgiSession.RouteValues"/>. Middleware added with <see cref="Use"/> runs around every
/// script, the <see cref="Fallback"/> included.
/// </summary>
/// <remarks>
/// Paths compare case-insensitively and without leading or trailing <c>/</c>, so <c>/IVR/Main/</c> finds <c>ivr/main</c>.
/// An exact path wins over any template; among templates the more specific wins, segment by segment from the left: a literal
/// before a constrained parameter (<c>{id:int}</c>), before a parameter, before an optional one, before a catch-all; then the
/// shorter template, then the one mapped first.
/// </remarks>
public sealed class AgiRouteTable
{
    /// <summary>The route name in metrics and traces of a call that no path matched and the <see cref="Fallback"/> served.</summary>
    public const string FallbackRoute = "(fallback)";

    /// <summary>The route name in metrics and traces of a call that no path matched and no fallback served.</summary>
    public const string UnmatchedRoute = "(unmatched)";

    private readonly Dictionary<string, Route> _exact = new(StringComparer.OrdinalIgnoreCase);

    // Templates by their first segment when it is a literal, and those that start with a parameter. Any template that starts
    // with a literal is more specific than any that starts with a parameter, so trying the path's bucket first, then the
    // parameter-first templates, keeps the precedence order while a path looks at only the templates it could match.
    private readonly Dictionary<string, List<Route>> _templatesByFirstLiteral = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Route> _parameterFirstTemplates = [];
    private readonly List<Route> _mapped = [];
    private readonly List<Func<AgiScript, AgiScript>> _middleware = [];
    private AgiScript? _fallback;
    private const int MaxTemplateSegments = 64;

    private Composition? _composedFallback;
    private int _longestTemplate;
    private int _version;

    /// <summary>The mapped paths and templates, normalized, in the order they were mapped.</summary>
    public IReadOnlyCollection<string> Paths => [.. _mapped.Select(static route => route.Template.Text)];

    /// <summary>The script run when no path matches, or <see langword="null"/> to report the call as not found.</summary>
    public AgiScript? Fallback
    {
        get => _fallback;
        set
        {
            _fallback = value;
            _version++;
        }
    }

    /// <summary>Maps the path or template <paramref name="path"/> to <paramref name="script"/>.</summary>
    /// <exception cref="InvalidOperationException">The path, or a template that matches the same paths, already has a script.</exception>
    /// <exception cref="FormatException">The template is malformed or uses an unknown constraint.</exception>
    public void Map(string path, AgiScript script) => Map(path, script, null);

    /// <summary>
    /// Adds <paramref name="middleware"/> around every script of the table: it gets the call and the rest of the pipeline,
    /// and calls that (or not) as it sees fit. Middleware runs in the order it was added, before any group's.
    /// </summary>
    public AgiRouteTable Use(Func<AgiSession, Func<Task>, Task> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        UseWrapper(Wrap(middleware));
        return this;
    }

    /// <summary>Finds the script for <paramref name="path"/>, or the <see cref="Fallback"/>, with the table's middleware around it.</summary>
    public bool TryResolve(string path, [NotNullWhen(true)] out AgiScript? script) => TryResolve(path, out script, out _, out _);

    /// <summary>Services that lambda scripts take as parameters (route, parameter, type): checked when the server starts.</summary>
    internal List<(string Route, string Parameter, Type Service)> RequiredServices { get; } = [];

    /// <summary>Turns a <c>(call, next)</c> middleware into a wrapper of the script it runs around.</summary>
    internal static Func<AgiScript, AgiScript> Wrap(Func<AgiSession, Func<Task>, Task> middleware)
        => next => (session, cancellationToken) => middleware(session, () => next(session, cancellationToken));

    internal void UseWrapper(Func<AgiScript, AgiScript> middleware)
    {
        _middleware.Add(middleware);
        _version++;
    }

    /// <summary>Maps <paramref name="path"/> in <paramref name="group"/>, whose middleware (and its parents') runs around the script.</summary>
    internal void Map(string path, AgiScript script, AgiRouteGroupConventions? group)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(script);
        var route = new Route(AgiRouteTemplate.Parse(path), script, group);
        if (route.Template.IsLiteral)
        {
            if (!_exact.TryAdd(route.Template.Text, route))
            {
                throw new InvalidOperationException($"The script path '{route.Template.Text}' is mapped twice.");
            }
        }
        else
        {
            if (_mapped.Find(existing => !existing.Template.IsLiteral && existing.Template.Shape == route.Template.Shape) is { } twin)
            {
                throw new InvalidOperationException($"The script path template '{route.Template.Text}' matches the same paths as '{twin.Template.Text}', which is mapped already.");
            }

            if (route.Template.MaxSegments > MaxTemplateSegments)
            {
                throw new FormatException($"The script path template '{route.Template.Text}' has {route.Template.MaxSegments} segments; templates have at most {MaxTemplateSegments}.");
            }

            _longestTemplate = Math.Max(_longestTemplate, route.Template.MaxSegments);
            if (route.Template.FirstLiteral is { } first)
            {
                if (!_templatesByFirstLiteral.TryGetValue(first, out List<Route>? bucket))
                {
                    _templatesByFirstLiteral[first] = bucket = [];
                }

                InsertByPrecedence(bucket, route);
            }
            else
            {
                InsertByPrecedence(_parameterFirstTemplates, route);
            }
        }

        _mapped.Add(route);
        _version++;
    }

    /// <summary>Marks every composed pipeline stale: a group's middleware changed.</summary>
    internal void Invalidate() => _version++;

    /// <summary>
    /// Finds the script for <paramref name="path"/> (middleware around it), or the <see cref="Fallback"/>, the name of the route
    /// that matched (the template as mapped, so that metrics have one series per route whatever the caller's spelling, or
    /// <see cref="FallbackRoute"/>) and the values the template took from the path.
    /// </summary>
    internal bool TryResolve(string path, [NotNullWhen(true)] out AgiScript? script, [NotNullWhen(true)] out string? route, out AgiRouteValues values)
    {
        ArgumentNullException.ThrowIfNull(path);
        values = AgiRouteValues.Empty;
        if (_exact.TryGetValue(path.Trim('/'), out Route? exact))
        {
            (script, route) = (Compose(exact), exact.Template.Text);
            return true;
        }

        if (_longestTemplate > 0)
        {
            // One more range than the longest template has segments: a longer path then shows as one too many.
            Span<Range> ranges = stackalloc Range[_longestTemplate + 1];
            string trimmed = path.Trim('/');
            ReadOnlySpan<Range> segments = ranges[..AgiRouteTemplate.SplitPath(trimmed, ranges)];
            Route? matched = null;
            if (segments.Length > 0 && _templatesByFirstLiteral.Count > 0
                && _templatesByFirstLiteral.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(trimmed.AsSpan()[segments[0]], out List<Route>? bucket))
            {
                matched = FirstMatch(bucket, trimmed, segments, out values);
            }

            matched ??= FirstMatch(_parameterFirstTemplates, trimmed, segments, out values);
            if (matched is not null)
            {
                (script, route) = (Compose(matched), matched.Template.Text);
                return true;
            }
        }

        script = ComposeFallback();
        route = script is null ? null : FallbackRoute;
        return script is not null;
    }

    /// <summary>The route name of <paramref name="path"/> without running anything: the mapped template, <see cref="FallbackRoute"/> or <see cref="UnmatchedRoute"/>.</summary>
    internal string RouteOf(string path) => TryResolve(path, out _, out string? route, out _) ? route : UnmatchedRoute;

    private static Route? FirstMatch(List<Route> candidates, string path, ReadOnlySpan<Range> segments, out AgiRouteValues values)
    {
        foreach (Route candidate in candidates)
        {
            if (candidate.Template.TryMatch(path, segments, out values))
            {
                return candidate;
            }
        }

        values = AgiRouteValues.Empty;
        return null;
    }

    private static void InsertByPrecedence(List<Route> routes, Route route)
    {
        int index = routes.FindIndex(existing => AgiRouteTemplate.ComparePrecedence(route.Template, existing.Template) < 0);
        routes.Insert(index < 0 ? routes.Count : index, route);
    }

    private AgiScript Compose(Route route)
    {
        // Composed once per route and kept until the table changes, so that a call costs no wrapping of its own.
        Composition? composed = route.Composed;
        if (composed is null || composed.Version != _version)
        {
            composed = new Composition(_version, Wrap(route.Script, route.Group));
            route.Composed = composed;
        }

        return composed.Script;
    }

    private AgiScript? ComposeFallback()
    {
        if (_fallback is null)
        {
            return null;
        }

        Composition? composed = _composedFallback;
        if (composed is null || composed.Version != _version)
        {
            composed = new Composition(_version, Wrap(_fallback, null));
            _composedFallback = composed;
        }

        return composed.Script;
    }

    private AgiScript Wrap(AgiScript script, AgiRouteGroupConventions? group)
    {
        AgiScript composed = script;
        for (AgiRouteGroupConventions? inner = group; inner is not null; inner = inner.Parent)
        {
            for (int i = inner.Middleware.Count - 1; i >= 0; i--)
            {
                composed = inner.Middleware[i](composed);
            }
        }

        for (int i = _middleware.Count - 1; i >= 0; i--)
        {
            composed = _middleware[i](composed);
        }

        return composed;
    }

    private sealed class Route(AgiRouteTemplate template, AgiScript script, AgiRouteGroupConventions? group)
    {
        public AgiRouteTemplate Template { get; } = template;

        public AgiScript Script { get; } = script;

        public AgiRouteGroupConventions? Group { get; } = group;

        public Composition? Composed { get; set; }
    }

    /// <summary>A route's pipeline as composed for one version of the table.</summary>
    private sealed record Composition(int Version, AgiScript Script);
}
