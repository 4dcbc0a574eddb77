using System.Net;
using FastAgi.Diagnostics;
using FastAgi.Tests.Protocol;
using FastAgi.Tests.Support;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>Behind a load balancer that sends PROXY headers: the client's address is the one the header carries, for the session, the allowlist and the logs.</summary>
public sealed class ProxyProtocolTests
{
    public static TheoryData<TestTransport> Transports => TestTransports.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_trusted_balancers_v1_header_gives_the_session_and_the_log_the_clients_address(TestTransport transport)
    {
        await using TestServer server = await StartAsync(transport);
        await using RawAgiConnection balancer = await RawAgiConnection.ConnectAsync(server.Endpoint, IPAddress.Loopback);
        await balancer.SendAsync("PROXY TCP4 10.1.2.3 10.0.0.1 5555 4573\r\n" + AsteriskCalls.Strict("peer", "1700000970.1").Environment.ToText());
        await balancer.ExpectAsync("NOOP 10.1.2.3:5555\n");
        await balancer.SendAsync("200 result=0\n");
        await balancer.ExpectClosedAsync(allowReset: true);

        await server.Server.WhenNoConnectionsAsync().WaitOrFail("the close");
        FakeLogRecord line = Assert.Single(server.LogsWithId(AgiEventIds.CallEnded));
        Assert.Equal("10.1.2.3:5555", line.GetStructuredStateValue("Peer"));
    }

    [Fact]
    public async Task A_v2_header_works_too_split_across_writes()
    {
        await using TestServer server = await StartAsync(TestTransport.Default);
        await using RawAgiConnection balancer = await RawAgiConnection.ConnectAsync(server.Endpoint, IPAddress.Loopback);
        byte[] header = ProxyHeaderTests.V2(0x21, 0x11, [10, 9, 8, 7, 10, 0, 0, 1, 0x30, 0x39, 0x11, 0xDD]);
        await balancer.SendAsync(header.AsMemory(0, 7));
        await balancer.SendAsync(header.AsMemory(7));
        await balancer.SendAsync(AsteriskCalls.Strict("peer", "1700000970.2").Environment.ToText());
        await balancer.ExpectAsync("NOOP 10.9.8.7:12345\n");
        await balancer.SendAsync("200 result=0\n");
        await balancer.ExpectClosedAsync(allowReset: true);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task From_a_trusted_balancer_a_connection_without_a_valid_header_is_closed_and_counted(TestTransport transport)
    {
        await using TestServer server = await StartAsync(transport);
        using var refused = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(
            (System.Diagnostics.Metrics.IMeterFactory)server.Services.GetService(typeof(System.Diagnostics.Metrics.IMeterFactory))!,
            AgiDiagnostics.MeterName,
            "fastagi.server.connections.refused");

        await using (RawAgiConnection direct = await RawAgiConnection.ConnectAsync(server.Endpoint, IPAddress.Loopback))
        {
            await direct.SendAsync(AsteriskCalls.Strict("peer", "1700000970.3").Environment.ToText());
            await direct.ExpectClosedAsync(allowReset: true);
        }

        await server.Server.WhenNoConnectionsAsync().WaitOrFail("the close");
        Assert.Contains(refused.GetMeasurementSnapshot(), static m => (string?)m.Tags["fastagi.refusal.reason"] == "proxy_protocol");
        Assert.Empty(server.LogsWithId(AgiEventIds.CallEnded));
    }

    [Fact]
    public async Task The_allowlist_judges_the_client_the_header_names_not_the_balancer()
    {
        await using TestServer server = await StartAsync(TestTransport.Default, allowed: "10.0.0.0/8, 127.0.0.2");

        // The balancer (127.0.0.1) is not on the allowlist; the client it forwards is.
        await using (RawAgiConnection listed = await RawAgiConnection.ConnectAsync(server.Endpoint, IPAddress.Loopback))
        {
            await listed.SendAsync("PROXY TCP4 10.1.2.3 10.0.0.1 5555 4573\r\n" + AsteriskCalls.Strict("peer", "1700000970.4").Environment.ToText());
            await listed.ExpectAsync("NOOP 10.1.2.3:5555\n");
            await listed.SendAsync("200 result=0\n");
            await listed.ExpectClosedAsync(allowReset: true);
        }

        // A client the allowlist does not list, behind the same balancer: closed before its script runs.
        await using (RawAgiConnection foreign = await RawAgiConnection.ConnectAsync(server.Endpoint, IPAddress.Loopback))
        {
            await foreign.SendAsync("PROXY TCP4 192.0.2.9 10.0.0.1 5555 4573\r\n" + AsteriskCalls.Strict("peer", "1700000970.5").Environment.ToText());
            await foreign.ExpectClosedAsync(allowReset: true);
        }

        // Not a trusted balancer: a direct connection, no header expected, judged by its own address.
        await using (RawAgiConnection direct = await RawAgiConnection.ConnectAsync(server.Endpoint, IPAddress.Parse("127.0.0.2")))
        {
            await direct.SendAsync(AsteriskCalls.Strict("peer", "1700000970.6").Environment.ToText());
            await direct.ExpectAsync("NOOP 127.0.0.2:");
        }

        Assert.Contains(server.LogsWithId(AgiEventIds.PeerNotAllowed), static record => record.Message.Contains("192.0.2.9:5555 (forwarded by 127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public void Proxy_protocol_without_trusted_proxies_fails_validation_naming_them()
    {
        Microsoft.Extensions.Options.ValidateOptionsResult result = new FastAgi.Hosting.AgiServerOptionsValidator().Validate(null, new FastAgi.Hosting.AgiServerOptions { ProxyProtocol = true });
        Assert.True(result.Failed);
        Assert.Contains("FastAgi:TrustedProxies", result.FailureMessage, StringComparison.Ordinal);
    }

    private static Task<TestServer> StartAsync(TestTransport transport, string? allowed = null)
        => TestServer.StartAsync(
            agi => agi.MapScript("peer", (call, hangup) => call.SendCommandAsync("NOOP", [call.RemoteEndPoint!.ToString()], hangup).AsTask()),
            options =>
            {
                options.ProxyProtocol = true;
                options.TrustedProxies = "127.0.0.1";
                options.AllowedPeers = allowed;
            },
            transport: transport);
}
