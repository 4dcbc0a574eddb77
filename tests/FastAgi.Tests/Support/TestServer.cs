using System.Net;
using System.Text;
using FastAgi.Hosting;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FastAgi.Tests.Support;

/// <summary>
/// A FastAGI server in a real host, listening on a free port of 127.0.0.1, with every log record captured. Disposing it stops
/// the host and fails the test if anything was logged at Error or above that the test did not declare with <see cref="AllowErrors"/>.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly List<Func<FakeLogRecord, bool>> _allowedErrors = [];
    private bool _stopped;

    private TestServer(IHost host)
    {
        _host = host;
        Server = host.Services.GetRequiredService<AgiServer>();
        Logs = host.Services.GetFakeLogCollector();
    }

    /// <summary>The running server.</summary>
    public AgiServer Server { get; }

    /// <summary>The address the server listens on.</summary>
    public IPEndPoint Endpoint => Server.Endpoints[0];

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Every log record written so far, Debug and above.</summary>
    public FakeLogCollector Logs { get; }

    /// <summary>Builds and starts a host with <c>AddFastAgi(o => o.Listen = "127.0.0.1:0")</c>.</summary>
    /// <param name="map">Maps the test's scripts.</param>
    /// <param name="configure">Changes further options (the shutdown timeout is 5 s unless set here).</param>
    /// <param name="services">Registers further services.</param>
    /// <param name="transport">How the server serves connections; by default what <c>FASTAGI_TEST_TRANSPORT</c> names, else the server's default.</param>
    public static async Task<TestServer> StartAsync(
        Action<FastAgiBuilder> map,
        Action<AgiServerOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        TestTransport transport = TestTransport.Default)
    {
        ArgumentNullException.ThrowIfNull(map);
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFakeLogging();
        FastAgiBuilder fastAgi = builder.Services.AddFastAgi(options =>
        {
            options.Listen = "127.0.0.1:0";
            options.ShutdownTimeout = TimeSpan.FromSeconds(5);
            transport.Apply(options);
            configure?.Invoke(options);
        });
        map(fastAgi);
        services?.Invoke(builder.Services);

        IHost host = builder.Build();
        try
        {
            await host.StartAsync().WaitOrFail("the host to start");
            return new TestServer(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Opens a raw TCP connection to the server, for what no Asterisk sends.</summary>
    public Task<RawAgiConnection> ConnectRawAsync() => RawAgiConnection.ConnectAsync(Endpoint);

    /// <summary>Declares that error records matching <paramref name="predicate"/> are part of the test.</summary>
    public void AllowErrors(Func<FakeLogRecord, bool> predicate) => _allowedErrors.Add(predicate);

    /// <summary>The records with event id <paramref name="eventId"/>.</summary>
    public IReadOnlyList<FakeLogRecord> LogsWithId(int eventId) => [.. Logs.GetSnapshot().Where(r => r.Id.Id == eventId)];

    /// <summary>Stops the host (the server waits for calls up to its shutdown timeout).</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        await _host.StopAsync().WaitOrFail("the host to stop", TestTimeouts.Default * 2);
    }

    /// <summary>Fails if an error was logged that the test did not allow.</summary>
    public void AssertNoUnexpectedErrors()
    {
        List<FakeLogRecord> unexpected = [.. Logs.GetSnapshot().Where(r => r.Level >= LogLevel.Error && !_allowedErrors.Any(allowed => allowed(r)))];
        if (unexpected.Count > 0)
        {
            var message = new StringBuilder("The server logged unexpected errors:");
            foreach (FakeLogRecord record in unexpected)
            {
                message.AppendLine().Append(record.Level).Append(' ').Append(record.Category).Append(": ").Append(record.Message);
                if (record.Exception is not null)
                {
                    message.AppendLine().Append(record.Exception);
                }
            }

            throw new InvalidOperationException(message.ToString());
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_stopped)
            {
                await StopAsync();
            }
        }
        finally
        {
            if (_host is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
            else
            {
                _host.Dispose();
            }
        }

        AssertNoUnexpectedErrors();
    }
}
