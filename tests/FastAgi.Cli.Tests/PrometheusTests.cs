using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FastAgi.Server;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FastAgi.Cli.Tests;

/// <summary>A real Prometheus scrapes <c>fastagi serve --http</c> and sees the calls, queried through its HTTP API.</summary>
[Collection(TelemetryHostsTests.Name)]
public sealed class PrometheusTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ScrapeWait = TimeSpan.FromSeconds(40);

    [PrometheusFact]
    public async Task Prometheus_scrapes_the_active_calls_and_the_calls_by_script()
    {
        using IHost host = CommandLine.BuildServeHost(["--FastAgi:Listen=127.0.0.1:0", "--Http:Listen=127.0.0.1:0"]);
        await host.StartAsync().WaitAsync(Timeout);
        string directory = Directory.CreateTempSubdirectory("fastagi-prometheus-").FullName;
        Process? prometheus = null;
        try
        {
            Uri metrics = new(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            int port = FreePort();
            string config = Path.Combine(directory, "prometheus.yml");
            await File.WriteAllTextAsync(config, $"""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: fastagi
                    static_configs:
                      - targets: ['{metrics.Authority}']
                """);
            prometheus = Process.Start(new ProcessStartInfo(PrometheusFactAttribute.Binary!)
            {
                ArgumentList =
                {
                    $"--config.file={config}",
                    $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                    $"--web.listen-address=127.0.0.1:{port}",
                },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            prometheus.ErrorDataReceived += static (_, _) => { };
            prometheus.OutputDataReceived += static (_, _) => { };
            prometheus.BeginErrorReadLine();
            prometheus.BeginOutputReadLine();

            IPEndPoint agi = host.Services.GetRequiredService<AgiServer>().Endpoints[0];
            for (int i = 0; i < 3; i++)
            {
                await using HelloCall done = await HelloCall.StartAsync(agi, $"1700000960.{i}");
                await done.FinishAsync();
            }

            await using HelloCall held = await HelloCall.StartAsync(agi, "1700000960.9");
            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout };
            Assert.Equal(1, await QueryUntilAsync(api, "fastagi_server_active_calls", static value => value == 1));
            Assert.Equal(3, await QueryUntilAsync(api, "sum(fastagi_server_calls_total{fastagi_script=\"hello\",fastagi_call_outcome=\"completed\"})", static value => value >= 3));
            await held.FinishAsync();
        }
        finally
        {
            if (prometheus is not null)
            {
                prometheus.Kill(entireProcessTree: true);
                await prometheus.WaitForExitAsync().WaitAsync(Timeout);
                prometheus.Dispose();
            }

            await host.StopAsync().WaitAsync(Timeout);
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Queries Prometheus until the instant vector's first value satisfies <paramref name="done"/>, or fails after a bounded wait.</summary>
    private static async Task<double> QueryUntilAsync(HttpClient api, string query, Func<double, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        string last = "no answer";
        while (deadline.Elapsed < ScrapeWait)
        {
            try
            {
                using JsonDocument answer = JsonDocument.Parse(await api.GetStringAsync(new Uri("/api/v1/query?query=" + Uri.EscapeDataString(query), UriKind.Relative)));
                last = answer.RootElement.GetRawText();
                JsonElement result = answer.RootElement.GetProperty("data").GetProperty("result");
                if (result.GetArrayLength() > 0)
                {
                    double value = double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
                    if (done(value))
                    {
                        return value;
                    }
                }
            }
            catch (HttpRequestException ex)
            {
                // Prometheus is still starting.
                last = ex.Message;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Prometheus did not show '{query}' as expected within {ScrapeWait}: {last}");
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
