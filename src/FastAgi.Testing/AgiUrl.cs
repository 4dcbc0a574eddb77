using System.Globalization;
using FastAgi.Hosting;

namespace FastAgi.Testing;

/// <summary>An <c>agi://host[:port][/script]</c> URL (or <c>hagi://</c> with a port), split the way Asterisk's <c>launch_netscript()</c> splits it.</summary>
/// <remarks>
/// The host is everything up to the first <c>/</c>; the script is everything after it, verbatim (query, fragment and
/// <c>%xx</c> escapes included: Asterisk decodes nothing). Without a port, Asterisk connects to 4573.
/// </remarks>
public sealed class AgiUrl
{
    private AgiUrl(string url, string host, int port, string? script)
    {
        Url = url;
        Host = host;
        Port = port;
        Script = script;
    }

    /// <summary>The URL as given; Asterisk sends it as <c>agi_request</c>.</summary>
    public string Url { get; }

    /// <summary>The host name or address, without brackets for an IPv6 literal.</summary>
    public string Host { get; }

    /// <summary>The port, 4573 when the URL names none.</summary>
    public int Port { get; }

    /// <summary>Everything after the first <c>/</c> (the value of <c>agi_network_script</c>), or <see langword="null"/> when that is empty and Asterisk sends no such line.</summary>
    public string? Script { get; }

    /// <summary>Parses <paramref name="url"/>.</summary>
    /// <exception cref="FormatException">The URL does not start with <c>agi://</c> or <c>hagi://</c>, names no host, or its port is not a number from 1 to 65535.</exception>
    public static AgiUrl Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        // launch_ha_netscript() hands "hagi://host:port/..." to launch_netscript() as "agi://..." when a port is given.
        int schemeLength = url.StartsWith("agi://", StringComparison.OrdinalIgnoreCase) ? 6
            : url.StartsWith("hagi://", StringComparison.OrdinalIgnoreCase) ? 7
            : throw new FormatException($"'{url}' is not a FastAGI URL: it must start with agi://, as in agi://127.0.0.1:4573/ivr/main.");
        string rest = url[schemeLength..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string authority = slash >= 0 ? rest[..slash] : rest;
        string script = slash >= 0 ? rest[(slash + 1)..] : string.Empty;
        string host = authority;
        int port = AgiServerOptions.DefaultPort;
        string? portText = null;
        if (authority.StartsWith('['))
        {
            int close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"'{url}' has an IPv6 address without its closing ']'.");
            }

            host = authority[1..close];
            if (close + 1 < authority.Length && authority[close + 1] == ':')
            {
                portText = authority[(close + 2)..];
            }
        }
        else if (authority.LastIndexOf(':') is >= 0 and int colon)
        {
            host = authority[..colon];
            portText = authority[(colon + 1)..];
        }

        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new FormatException($"'{url}' has an invalid port '{portText}'.");
        }

        if (host.Length == 0)
        {
            throw new FormatException($"'{url}' names no host.");
        }

        return new AgiUrl(url, host, port, script.Length == 0 ? null : script);
    }

    /// <inheritdoc/>
    public override string ToString() => Url;
}
