using System.Net;
using FastAgi.Server;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FastAgi.Cli.Tests;

/// <summary><c>fastagi serve --http</c>: liveness, readiness that follows capacity and the drain, Prometheus metrics, and a bad address refused.</summary>
[Collection(TelemetryHostsTests.Name)]
public sealed class HttpEndpointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Healthz_and_readyz_answer_and_metrics_show_the_calls()
    {
        using IHost host = CommandLine.BuildServeHost(["--FastAgi:Listen=127.0.0.1:0", "--Http:Listen=127.0.0.1:0"]);
        await host.StartAsync().WaitAsync(Timeout);
        try
        {
            using var http = new HttpClient { BaseAddress = HttpAddress(host), Timeout = Timeout };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
            HttpResponseMessage ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());

            await using (HelloCall call = await HelloCall.StartAsync(AgiEndpoint(host), "1700000950.1"))
            {
                await call.FinishAsync();
            }

            string metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Contains("fastagi_server_calls_total{", metrics, StringComparison.Ordinal);
            Assert.Contains("fastagi_script=\"hello\"", metrics, StringComparison.Ordinal);
            Assert.Contains("fastagi_server_command_duration_seconds_bucket{", metrics, StringComparison.Ordinal);
            Assert.Matches(@"(?m)^fastagi_server_ready(\{[^}]*\})? 1$", metrics);
        }
        finally
        {
            await host.StopAsync().WaitAsync(Timeout);
        }
    }

    [Fact]
    public async Task Readyz_is_503_at_capacity_and_while_draining_and_healthz_stays_200()
    {
        using IHost host = CommandLine.BuildServeHost(["--FastAgi:Listen=127.0.0.1:0", "--Http:Listen=127.0.0.1:0", "--FastAgi:MaxConcurrentCalls=1", "--FastAgi:ShutdownTimeout=00:00:10"]);
        await host.StartAsync().WaitAsync(Timeout);
        Task? stopping = null;
        try
        {
            using var http = new HttpClient { BaseAddress = HttpAddress(host), Timeout = Timeout };
            await using HelloCall call = await HelloCall.StartAsync(AgiEndpoint(host), "1700000951.1");

            // The one call slot is taken: the next call would be told BUSY, so a load balancer should look elsewhere.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);

            // Draining (SIGTERM): not ready while the call finishes, alive all along.
            stopping = host.StopAsync();
            AgiServer server = host.Services.GetRequiredService<AgiServer>();
            while (!server.IsDraining)
            {
                await Task.Yield();
            }

            HttpResponseMessage draining = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, draining.StatusCode);
            Assert.Equal("Unhealthy", await draining.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);

            await call.FinishAsync();
        }
        finally
        {
            await (stopping ?? host.StopAsync()).WaitAsync(Timeout);
        }
    }

    [Theory]
    [InlineData("--http", "bogus")]
    [InlineData("--http", "127.0.0.1")]
    [InlineData("--http")]
    [InlineData("--Tracing:SampleRatio=often")]
    public async Task A_bad_http_address_or_sample_ratio_is_one_line_and_exit_2(params string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await CommandLine.RunAsync(["serve", "--listen", "127.0.0.1:0", .. options], output, error, TextReader.Null).WaitAsync(Timeout);

        Assert.Equal(2, exit);
        string line = Assert.Single(error.ToString().TrimEnd('\n').Split('\n'));
        Assert.StartsWith("fastagi serve", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);
    }

    private static IPEndPoint AgiEndpoint(IHost host) => host.Services.GetRequiredService<AgiServer>().Endpoints[0];

    private static Uri HttpAddress(IHost host)
    {
        string address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Uri(address);
    }
}
