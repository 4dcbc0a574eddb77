using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using FastAgi.Diagnostics;
using FastAgi.Routing;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace FastAgi.Testing;

public sealed partial class FakeAsterisk
{
    /// <summary>Places the call to <paramref name="script"/>, served in-process by FastAgi's connection handler over a pair of pipes (whatever the script path).</summary>
    /// <returns>What happened; see <see cref="FakeAsteriskOptions.ThrowOnFailure"/>.</returns>
    /// <exception cref="FakeAsteriskAssertionException">The call failed (unless <see cref="FakeAsteriskOptions.ThrowOnFailure"/> is off).</exception>
    public Task<FakeCallResult> CallAsync(AgiScript script, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        return CallInProcessAsync(new AgiRouteTable { Fallback = script }, null, cancellationToken);
    }

    /// <summary>
    /// Places the call to a <typeparamref name="TScript"/>, created from the call's dependency-injection scope as the server
    /// creates it (whatever the script path), with the services <paramref name="configureServices"/> registers: the script's
    /// dependencies, or fakes of them.
    /// </summary>
    /// <exception cref="FakeAsteriskAssertionException">The call failed (unless <see cref="FakeAsteriskOptions.ThrowOnFailure"/> is off).</exception>
    public Task<FakeCallResult> CallAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TScript>(Action<IServiceCollection>? configureServices = null, CancellationToken cancellationToken = default)
        where TScript : class, IAgiScript
    {
        var routes = new AgiRouteTable { Fallback = static (session, hangup) => session.Services.GetRequiredService<TScript>().RunAsync(session, hangup) };
        return CallInProcessAsync(routes, services =>
        {
            services.TryAddScoped<TScript>();
            configureServices?.Invoke(services);
        }, cancellationToken);
    }

    /// <summary>Places the call to the script <paramref name="routes"/> maps for the environment's script path (its middleware and route values included), served in-process.</summary>
    /// <exception cref="FakeAsteriskAssertionException">The call failed (unless <see cref="FakeAsteriskOptions.ThrowOnFailure"/> is off).</exception>
    public Task<FakeCallResult> CallAsync(AgiRouteTable routes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(routes);
        return CallInProcessAsync(routes, null, cancellationToken);
    }

    /// <summary>Places the call to the FastAGI server registered in <paramref name="services"/> (<c>AddFastAgi</c>), in-process through its <see cref="AgiConnectionHandler"/>.</summary>
    /// <exception cref="FakeAsteriskAssertionException">The call failed (unless <see cref="FakeAsteriskOptions.ThrowOnFailure"/> is off).</exception>
    public Task<FakeCallResult> CallAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        return CallHandlerAsync(services.GetRequiredService<AgiConnectionHandler>(), static () => null, cancellationToken);
    }

    /// <summary>Places the call over loopback or network TCP to any FastAGI server at <paramref name="endpoint"/>.</summary>
    /// <exception cref="FakeAsteriskAssertionException">The call failed, including when the connection is refused (unless <see cref="FakeAsteriskOptions.ThrowOnFailure"/> is off).</exception>
    public async Task<FakeCallResult> CallAsync(IPEndPoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        MarkUsed();
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.Timeout);
            await socket.ConnectAsync(endpoint, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            string reason = ex is SocketException socketError ? socketError.Message : $"no answer within {Options.Timeout.TotalSeconds:0.###} s";
            return Finish(FakeCallRun.NotConnected(this, $"Could not connect to the FastAGI server at {endpoint}: {reason}."));
        }

        var stream = new NetworkStream(socket, ownsSocket: false);
        await using (stream.ConfigureAwait(false))
        {
            var transport = new DuplexPipe(PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)), PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
            var connection = new ServerConnection(transport, () =>
            {
                // Asterisk's close: the server reads end of stream and may still send (as after a half-close).
                socket.Shutdown(SocketShutdown.Send);
                return ValueTask.CompletedTask;
            });
            FakeCallResult result = await new FakeCallRun(this, connection).RunAsync(null, static () => null, cancellationToken).ConfigureAwait(false);
            return Finish(result);
        }
    }

    /// <summary>Places the call over <paramref name="transport"/>, a connection to a FastAGI server: the server's bytes on <see cref="IDuplexPipe.Input"/>, the fake's on <see cref="IDuplexPipe.Output"/>.</summary>
    /// <exception cref="FakeAsteriskAssertionException">The call failed (unless <see cref="FakeAsteriskOptions.ThrowOnFailure"/> is off).</exception>
    public async Task<FakeCallResult> CallAsync(IDuplexPipe transport, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        MarkUsed();
        FakeCallResult result = await new FakeCallRun(this, new ServerConnection(transport, null)).RunAsync(null, static () => null, cancellationToken).ConfigureAwait(false);
        return Finish(result);
    }

    private async Task<FakeCallResult> CallInProcessAsync(AgiRouteTable routes, Action<IServiceCollection>? configureServices, CancellationToken cancellationToken)
    {
        // The server logs what a script threw (event ScriptFailed) with the exception: the result carries it from there.
        var failures = new ScriptFailureCapture();
        using var loggerFactory = new LoggerFactory(Options.LoggerFactory is { } user ? [failures, new ForwardingLoggerProvider(user)] : [failures]);
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(loggerFactory);
        configureServices?.Invoke(services);
        services.AddSingleton(routes);
        services.AddFastAgi();
        ServiceProvider provider = services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            return await CallHandlerAsync(provider.GetRequiredService<AgiConnectionHandler>(), () => failures.Exception, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<FakeCallResult> CallHandlerAsync(AgiConnectionHandler handler, Func<Exception?> scriptException, CancellationToken cancellationToken)
    {
        MarkUsed();
        var toServer = new Pipe();
        var fromServer = new Pipe();

        // Off the caller's synchronization context (a test framework's), as on a real server: the script's continuations then
        // run the way they do in production, straight after each reply.
        Task serving = Task.Run(() => handler.HandleAsync(new DuplexPipe(toServer.Reader, fromServer.Writer), "fake-asterisk", cancellationToken), cancellationToken);
        var connection = new ServerConnection(new DuplexPipe(fromServer.Reader, toServer.Writer), null);
        FakeCallResult result = await new FakeCallRun(this, connection).RunAsync(serving, scriptException, cancellationToken).ConfigureAwait(false);
        return Finish(result);
    }

    private FakeCallResult Finish(FakeCallResult result)
        => Options.ThrowOnFailure && result.Failure is not null ? throw new FakeAsteriskAssertionException(result) : result;

    /// <summary>Remembers the first exception the server logged as a script's failure.</summary>
    private sealed class ScriptFailureCapture : ILoggerProvider, ILogger
    {
        private Exception? _exception;

        public Exception? Exception => Volatile.Read(ref _exception);

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == AgiEventIds.ScriptFailed && exception is not null)
            {
                Interlocked.CompareExchange(ref _exception, exception, null);
            }
        }

        public void Dispose()
        {
        }
    }

    /// <summary>The test's own logger factory (<see cref="FakeAsteriskOptions.LoggerFactory"/>), which the call must not dispose.</summary>
    private sealed class ForwardingLoggerProvider(ILoggerFactory factory) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
