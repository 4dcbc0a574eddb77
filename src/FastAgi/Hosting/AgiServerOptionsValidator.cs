using System.Net;
using Microsoft.Extensions.Options;

namespace FastAgi.Hosting;

/// <summary>Checks <see cref="AgiServerOptions"/> when the host starts, so that a typo fails fast with a clear message.</summary>
internal sealed class AgiServerOptionsValidator : IValidateOptions<AgiServerOptions>
{
    public ValidateOptionsResult Validate(string? name, AgiServerOptions options)
    {
        var failures = new List<string>();
        try
        {
            _ = EndpointParser.ParseList(options.Listen);
        }
        catch (FormatException ex)
        {
            failures.Add(ex.Message);
        }

        try
        {
            _ = Server.AgiPeerAllowlist.Parse(options.AllowedPeers);
        }
        catch (FormatException ex)
        {
            failures.Add(ex.Message);
        }

        if (options.ProxyProtocol)
        {
            try
            {
                if (Server.AgiPeerAllowlist.Parse(options.TrustedProxies, "FastAgi:TrustedProxies").AllowsEveryone)
                {
                    failures.Add("FastAgi:ProxyProtocol needs FastAgi:TrustedProxies: the load balancers' addresses, whose PROXY headers are believed.");
                }
            }
            catch (FormatException ex)
            {
                failures.Add(ex.Message);
            }
        }

        if (options.DrainDelay < TimeSpan.Zero)
        {
            failures.Add($"FastAgi:DrainDelay must be 0 or more, not {options.DrainDelay}.");
        }

        if (options.MaxConcurrentCalls < 0)
        {
            failures.Add($"FastAgi:MaxConcurrentCalls must be 0 (as many as the descriptor limit allows) or more, not {options.MaxConcurrentCalls}.");
        }

        if (options.ReplyTimeout is { } reply && reply <= TimeSpan.Zero)
        {
            failures.Add($"FastAgi:ReplyTimeout must be positive (or unset, to wait for ever), not {reply}.");
        }

        if (options.MaxCallDuration is { } duration && duration <= TimeSpan.Zero)
        {
            failures.Add($"FastAgi:MaxCallDuration must be positive (or unset, for no limit), not {duration}.");
        }

        if (options.EnvironmentTimeout <= TimeSpan.Zero)
        {
            failures.Add($"FastAgi:EnvironmentTimeout must be positive, not {options.EnvironmentTimeout}.");
        }

        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            failures.Add($"FastAgi:ShutdownTimeout must not be negative, not {options.ShutdownTimeout}.");
        }

        if (options.Backlog <= 0)
        {
            failures.Add($"FastAgi:Backlog must be positive, not {options.Backlog}.");
        }

        if (!Enum.IsDefined(options.Transport))
        {
            failures.Add($"FastAgi:Transport must be Auto, Sockets or Epoll, not {options.Transport}.");
        }
        else if (options.Transport == AgiTransport.Epoll && !OperatingSystem.IsLinux())
        {
            failures.Add("FastAgi:Transport Epoll needs Linux; use Auto or Sockets here.");
        }

        if (options.EventLoops < 0)
        {
            failures.Add($"FastAgi:EventLoops must be 0 (half the processors) or more, not {options.EventLoops}.");
        }

        if (options.Limits is null)
        {
            failures.Add("FastAgi:Limits must be set.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Parses <c>ADDRESS:PORT</c> endpoint lists.</summary>
internal static class EndpointParser
{
    public static IReadOnlyList<IPEndPoint> ParseList(string? list)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            throw new FormatException("FastAgi:Listen is empty; give at least one ADDRESS:PORT, such as 0.0.0.0:4573.");
        }

        var endpoints = new List<IPEndPoint>();
        foreach (string item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            endpoints.Add(Parse(item));
        }

        return endpoints;
    }

    public static IPEndPoint Parse(string text)
    {
        if (IPEndPoint.TryParse(text, out IPEndPoint? endpoint) && (text.Contains(']', StringComparison.Ordinal) || text.Count(c => c == ':') == 1))
        {
            return endpoint;
        }

        if (IPAddress.TryParse(text, out IPAddress? address))
        {
            return new IPEndPoint(address, AgiServerOptions.DefaultPort);
        }

        if (text.StartsWith("localhost", StringComparison.OrdinalIgnoreCase))
        {
            string port = text["localhost".Length..].TrimStart(':');
            if (port.Length == 0)
            {
                return new IPEndPoint(IPAddress.Loopback, AgiServerOptions.DefaultPort);
            }

            if (int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value) && value <= IPEndPoint.MaxPort)
            {
                return new IPEndPoint(IPAddress.Loopback, value);
            }
        }

        throw new FormatException($"'{text}' is not an endpoint; use ADDRESS:PORT, such as 0.0.0.0:4573, 127.0.0.1:4573 or [::]:4573.");
    }
}
