using System.Net;

namespace FastAgi.Server;

/// <summary>The addresses allowed to connect: networks in CIDR notation and single addresses, IPv4 and IPv6; empty allows everyone.</summary>
public sealed class AgiPeerAllowlist
{
    private readonly IPNetwork[] _networks;

    private AgiPeerAllowlist(IPNetwork[] networks) => _networks = networks;

    /// <summary>An allowlist that lets every peer in.</summary>
    public static AgiPeerAllowlist Everyone { get; } = new([]);

    /// <summary>Whether every peer is let in (no entries).</summary>
    public bool AllowsEveryone => _networks.Length == 0;

    /// <summary>The networks, as given.</summary>
    public IReadOnlyList<IPNetwork> Networks => _networks;

    /// <summary>
    /// Parses a comma-separated list such as <c>10.0.0.0/8, 192.168.1.20, fd00::/8, ::1</c>; an empty or blank list allows everyone.
    /// </summary>
    /// <exception cref="FormatException">An entry is neither an address nor a network; the message names it.</exception>
    public static AgiPeerAllowlist Parse(string? list) => Parse(list, "FastAgi:AllowedPeers");

    /// <summary>Parses <paramref name="list"/>, naming <paramref name="setting"/> in the error.</summary>
    /// <exception cref="FormatException">An entry is neither an address nor a network.</exception>
    public static AgiPeerAllowlist Parse(string? list, string setting)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            return Everyone;
        }

        var networks = new List<IPNetwork>();
        foreach (string entry in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(entry, out IPNetwork network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out IPAddress? address))
            {
                address = Normalize(address);
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new FormatException($"{setting}: '{entry}' is neither an address nor a network in CIDR notation, such as 10.0.0.5, 10.0.0.0/8 or fd00::/8.");
            }
        }

        return new AgiPeerAllowlist([.. networks]);
    }

    /// <summary>Whether <paramref name="address"/> may connect; an IPv4 peer seen on an IPv6 socket (<c>::ffff:10.0.0.5</c>) is matched as IPv4.</summary>
    public bool Allows(IPAddress? address)
    {
        if (_networks.Length == 0)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        address = Normalize(address);
        foreach (IPNetwork network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
