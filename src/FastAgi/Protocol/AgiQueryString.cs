using System.Collections;
using System.Net;

namespace FastAgi.Protocol;

/// <summary>The URL-decoded parameters of the query string in <c>agi_network_script</c> (<c>ivr/main?lang=fr&amp;retries=3</c>).</summary>
/// <remarks>Asterisk passes the query verbatim, so decoding (<c>%xx</c> and <c>+</c>) happens here. Names compare case-sensitively, as in URLs.</remarks>
public sealed class AgiQueryString : IReadOnlyList<KeyValuePair<string, string>>
{
    private readonly KeyValuePair<string, string>[] _parameters;

    /// <summary>An empty query string.</summary>
    public static AgiQueryString Empty { get; } = new([]);

    private AgiQueryString(KeyValuePair<string, string>[] parameters) => _parameters = parameters;

    /// <summary>The number of parameters, counting repeated names once per occurrence.</summary>
    public int Count => _parameters.Length;

    /// <summary>The parameter at <paramref name="index"/>, in the order they appear.</summary>
    public KeyValuePair<string, string> this[int index] => _parameters[index];

    /// <summary>The first value of the parameter <paramref name="name"/>, or <see langword="null"/> when it is absent.</summary>
    public string? this[string name] => TryGetValue(name, out string? value) ? value : null;

    /// <summary>Parses a raw query string (without the leading <c>?</c>); a <c>#fragment</c> is ignored.</summary>
    public static AgiQueryString Parse(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return Empty;
        }

        int fragment = query.IndexOf('#', StringComparison.Ordinal);
        ReadOnlySpan<char> rest = fragment >= 0 ? query.AsSpan(0, fragment) : query.AsSpan();
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (Range range in rest.Split('&'))
        {
            ReadOnlySpan<char> pair = rest[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            int equals = pair.IndexOf('=');
            string name = Decode(equals >= 0 ? pair[..equals] : pair);
            string value = equals >= 0 ? Decode(pair[(equals + 1)..]) : string.Empty;
            parameters.Add(new(name, value));
        }

        return parameters.Count == 0 ? Empty : new AgiQueryString([.. parameters]);
    }

    /// <summary>Gets the first value of the parameter <paramref name="name"/>.</summary>
    public bool TryGetValue(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        foreach (KeyValuePair<string, string> parameter in _parameters)
        {
            if (string.Equals(parameter.Key, name, StringComparison.Ordinal))
            {
                value = parameter.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>Every value of the parameter <paramref name="name"/>, in order; empty when it is absent.</summary>
    public IReadOnlyList<string> GetValues(string name)
    {
        List<string>? values = null;
        foreach (KeyValuePair<string, string> parameter in _parameters)
        {
            if (string.Equals(parameter.Key, name, StringComparison.Ordinal))
            {
                (values ??= []).Add(parameter.Value);
            }
        }

        return values ?? (IReadOnlyList<string>)[];
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_parameters).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static string Decode(ReadOnlySpan<char> text) => WebUtility.UrlDecode(text.ToString());
}
