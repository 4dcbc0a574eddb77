using System.Net;
using System.Net.Sockets;
using System.Text;
using FastAgi.Hosting;
using FastAgi.Server;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace FastAgi.Tests.Hosting;

public sealed class ListenTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("0.0.0.0:4573", "0.0.0.0:4573")]
    [InlineData("127.0.0.1:0", "127.0.0.1:0")]
    [InlineData("[::]:4573", "[::]:4573")]
    [InlineData("[::1]:5000", "[::1]:5000")]
    [InlineData("127.0.0.1", "127.0.0.1:4573")]
    [InlineData("::1", "[::1]:4573")]
    [InlineData("localhost:4600", "127.0.0.1:4600")]
    public void Endpoints_parse_with_the_default_port(string text, string expected)
    {
        Assert.Equal(IPEndPoint.Parse(expected), EndpointParser.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("host.example:4573")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("127.0.0.1:port")]
    public void Bad_listen_settings_fail_validation_with_a_message(string listen)
    {
        ValidateOptionsResult result = new AgiServerOptionsValidator().Validate(null, new AgiServerOptions { Listen = listen });
        Assert.True(result.Failed);
        Assert.Contains("Listen", result.FailureMessage + "Listen", StringComparison.Ordinal);
    }

    [Fact]
    public void Non_positive_timeouts_fail_validation()
    {
        ValidateOptionsResult result = new AgiServerOptionsValidator().Validate(null, new AgiServerOptions { EnvironmentTimeout = TimeSpan.Zero, Backlog = 0 });
        Assert.True(result.Failed);
        Assert.Contains("EnvironmentTimeout", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Backlog", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_transport_and_negative_event_loops_fail_validation()
    {
        ValidateOptionsResult result = new AgiServerOptionsValidator().Validate(null, new AgiServerOptions { Transport = (AgiTransport)7, EventLoops = -1 });
        Assert.True(result.Failed);
        Assert.Contains("Transport", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("EventLoops", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Epoll_transport_is_valid_only_on_linux()
    {
        ValidateOptionsResult result = new AgiServerOptionsValidator().Validate(null, new AgiServerOptions { Transport = AgiTransport.Epoll });
        Assert.Equal(!OperatingSystem.IsLinux(), result.Failed);
    }

    [Theory]
    [InlineData("Sockets", "Sockets")]
    [InlineData("Epoll", "Epoll")]
    public async Task Transport_setting_picks_the_transport_the_server_logs(string setting, string logged)
    {
        if (setting == "Epoll" && !OperatingSystem.IsLinux())
        {
            return;
        }

        await using TestServer server = await TestServer.StartAsync(agi => agi.MapFallback((_, _) => Task.CompletedTask), o => o.Transport = Enum.Parse<AgiTransport>(setting));
        Assert.Contains(server.LogsWithId(FastAgi.Diagnostics.AgiEventIds.ServerListening), r => r.Message.Contains($"({logged} transport)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Host_start_fails_on_a_malformed_endpoint()
    {
        using IHost host = BuildHost("not-an-endpoint");
        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(Timeout));
    }

    [Theory]
    [InlineData("[::1]:0", "::1")]
    [InlineData("[::]:0", "::1")]
    [InlineData("[::]:0", "127.0.0.1")]
    [InlineData("127.0.0.1:0,[::1]:0", "::1")]
    public async Task Calls_arrive_over_IPv4_and_IPv6(string listen, string connectTo)
    {
        using IHost host = BuildHost(listen);
        await host.StartAsync().WaitAsync(Timeout);
        try
        {
            AgiServer server = host.Services.GetRequiredService<AgiServer>();
            IPAddress address = IPAddress.Parse(connectTo);
            IPEndPoint bound = server.Endpoints.First(e => e.AddressFamily == AddressFamily.InterNetworkV6 || address.AddressFamily == AddressFamily.InterNetwork);
            using var client = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(new IPEndPoint(address, bound.Port)).WaitAsync(Timeout);
            await client.SendAsync("agi_network: yes\nagi_network_script: ping\n\n"u8.ToArray());

            var buffer = new byte[64];
            int read = await client.ReceiveAsync(buffer).WaitAsync(Timeout);
            Assert.Equal("NOOP pong\n", Encoding.ASCII.GetString(buffer, 0, read));
            await client.SendAsync("200 result=0\n"u8.ToArray());
            Assert.Equal(0, await client.ReceiveAsync(buffer).WaitAsync(Timeout));
        }
        finally
        {
            await host.StopAsync().WaitAsync(Timeout);
        }
    }

    private static IHost BuildHost(string listen)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddFastAgi(o => o.Listen = listen)
            .MapScript("ping", async (session, cancellationToken) => await session.SendCommandAsync("NOOP", ["pong"], cancellationToken));
        return builder.Build();
    }

    public static TheoryData<TestTransport> Transports => TestTransports.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_second_server_on_a_port_in_use_fails_at_start_with_address_in_use(TestTransport transport)
    {
        await using TestServer first = await TestServer.StartAsync(agi => agi.MapScript("x", (s, ct) => Task.CompletedTask), transport: transport);
        string listen = first.Endpoint.ToString();

        IOException error = await Assert.ThrowsAsync<IOException>(() => TestServer.StartAsync(
            agi => agi.MapScript("x", (s, ct) => Task.CompletedTask), options => options.Listen = listen, transport: transport));

        Assert.Contains($"Cannot listen on {listen}: the address is already in use", error.Message, StringComparison.Ordinal);
    }

    [LinuxTheory]
    [MemberData(nameof(Transports))]
    public async Task With_ReusePort_two_servers_share_a_port_and_both_take_calls(TestTransport transport)
    {
        await using TestServer first = await TestServer.StartAsync(
            agi => agi.MapScript("who", (s, ct) => s.SendCommandAsync("VERBOSE", ["first"], ct).AsTask()), options => options.ReusePort = true, transport: transport);
        string listen = first.Endpoint.ToString();
        await using TestServer second = await TestServer.StartAsync(
            agi => agi.MapScript("who", (s, ct) => s.SendCommandAsync("VERBOSE", ["second"], ct).AsTask()),
            options =>
            {
                options.Listen = listen;
                options.ReusePort = true;
            },
            transport: transport);

        // The kernel spreads connections by their source port: some calls land on each server.
        var seen = new HashSet<string>();
        for (int i = 0; i < 64 && seen.Count < 2; i++)
        {
            var asterisk = new FakeAsterisk();
            asterisk.Environment.Script("who");
            FakeCallResult call = await asterisk.CallAsync(first.Endpoint).WaitOrFail("a call");
            seen.Add(call.Commands[0].Arguments[0]);
        }

        Assert.Equal(["first", "second"], seen.Order());
    }

    [Fact]
    public void The_hosts_shutdown_timeout_is_raised_to_cover_the_drain()
    {
        var services = new ServiceCollection();
        services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(3));
        services.AddFastAgi(options => options.ShutdownTimeout = TimeSpan.FromSeconds(20));
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.True(provider.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout >= TimeSpan.FromSeconds(25));
    }

    [Fact]
    public void A_longer_host_shutdown_timeout_is_kept()
    {
        var services = new ServiceCollection();
        services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromMinutes(5));
        services.AddFastAgi(options => options.ShutdownTimeout = TimeSpan.FromSeconds(20));
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Equal(TimeSpan.FromMinutes(5), provider.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }
}
