using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace FastAgi.Routing;

/// <summary>
/// The values a script path template took from the call's path: for <c>ivr/{tenant}/main</c> and <c>agi://host/ivr/acme/main</c>,
/// <c>tenant</c> is <c>acme</c>. Names compare case-insensitively; a missing optional parameter has no value.
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Read as session.RouteValues, as ASP.NET Core's RouteValues.")]
public sealed class AgiRouteValues : IReadOnlyDictionary<string, string>
{
    private readonly KeyValuePair<string, string>[] _values;

    internal AgiRouteValues(KeyValuePair<string, string>[] values) => _values = values;

    /// <summary>No values: the route had no parameters, or no route matched.</summary>
    public static AgiRouteValues Empty { get; } = new([]);

    /// <inheritdoc/>
    public int Count => _values.Length;

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _values.Select(static pair => pair.Key);

    /// <inheritdoc/>
    public IEnumerable<string> Values => _values.Select(static pair => pair.Value);

    /// <summary>The value of the parameter <paramref name="name"/>, or <see langword="null"/> when the route gave it none.</summary>
    public string? this[string name] => TryGetValue(name, out string? value) ? value : null;

    /// <inheritdoc/>
    string IReadOnlyDictionary<string, string>.this[string key] => TryGetValue(key, out string? value) ? value : throw new KeyNotFoundException($"The route has no value '{key}'.");

    /// <inheritdoc/>
    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (KeyValuePair<string, string> pair in _values)
        {
            if (string.Equals(pair.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                value = pair.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_values).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
