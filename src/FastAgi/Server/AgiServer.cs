using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using FastAgi.Hosting;
using FastAgi.Server.Epoll;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FastAgi.Server;

/// <summary>The FastAGI TCP server: accepts Asterisk's connections on the configured endpoints and serves each call on its own asynchronous flow, with no thread per call.</summary>
/// <remarks>Stopping stops accepting, waits up to <see cref="AgiServerOptions.ShutdownTimeout"/> for calls in progress, then closes the rest.</remarks>
public sealed partial class AgiServer : IHostedService, IAsyncDisposable
{
    private readonly AgiConnectionHandler _handler;
    private readonly AgiServerOptions _options;
    private readonly ILogger<AgiServer> _logger;
    /// <summary>How long scripts get to end once their connections were closed at the shutdown deadline.</summary>
    internal static readonly TimeSpan AbortGracePeriod = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<long, (IAgiConnection Transport, Task Task)> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _aborting = new();
    private readonly List<Socket> _listeners = [];
    private readonly List<EpollListener> _epollListeners = [];
    private EpollTransport? _epoll;
    private readonly List<Task> _acceptLoops = [];
    private readonly List<IPEndPoint> _endpoints = [];
    private long _nextConnectionId;

    /// <summary>Creates the server; the host gets it from dependency injection.</summary>
    public AgiServer(AgiConnectionHandler handler, IOptions<AgiServerOptions> options, ILogger<AgiServer> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _handler = handler;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The endpoints the server listens on once started, with the actual port when port 0 was configured.</summary>
    public IReadOnlyList<IPEndPoint> Endpoints => _endpoints;

    /// <summary>The number of connections being served now.</summary>
    public int ActiveConnections => _connections.Count;

    /// <summary>Binds every configured endpoint and starts accepting calls.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        bool epoll = UsesEpoll(_options);
        foreach (IPEndPoint endpoint in EndpointParser.ParseList(_options.Listen))
        {
            var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any))
                {
                    // [::] also takes IPv4 calls, as operators expect of "every address".
                    listener.DualMode = true;
                }

                AllowRebind(listener, _options.ReusePort);
                listener.Bind(endpoint);
                listener.Listen(_options.Backlog);
            }
            catch (SocketException ex)
            {
                listener.Dispose();
                throw new IOException(
                    ex.SocketErrorCode == SocketError.AddressAlreadyInUse
                        ? $"Cannot listen on {endpoint}: the address is already in use, by another FastAGI server or another program. Stop it, or listen elsewhere (FastAgi:Listen)."
                        : $"Cannot listen on {endpoint}: {ex.Message}.",
                    ex);
            }
            catch
            {
                listener.Dispose();
                throw;
            }

            var bound = (IPEndPoint)listener.LocalEndPoint!;
            _endpoints.Add(bound);
            if (epoll)
            {
                _epoll ??= new EpollTransport(
                    _options.EventLoops > 0 ? _options.EventLoops : Math.Max(1, Environment.ProcessorCount / 2),
                    runContinuationsAsynchronously: !_options.RunScriptsOnEventLoops,
                    ex => Log.EventLoopFault(_logger, ex));
                _epollListeners.Add(_epoll.Listen(listener, OnAccepted, errno => Log.AcceptFailedErrno(_logger, Marshal.GetPInvokeErrorMessage(errno), errno)));
            }
            else
            {
                _listeners.Add(listener);
                _acceptLoops.Add(AcceptLoopAsync(listener));
            }

            Log.Listening(_logger, bound, epoll ? AgiTransport.Epoll : AgiTransport.Sockets);
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops accepting, waits for calls in progress up to the shutdown timeout (or until <paramref name="cancellationToken"/> fires), then closes the rest.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        if (_endpoints.Count > 0)
        {
            Log.Stopping(_logger, _connections.Count);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (Socket listener in _listeners)
        {
            listener.Dispose();
        }

        foreach (EpollListener listener in _epollListeners)
        {
            listener.Dispose();
        }

        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);

        int inProgress = _connections.Count;
        int cut = 0;
        Task drained = Task.WhenAll(_connections.Values.Select(c => c.Task));
        try
        {
            await drained.WaitAsync(_options.ShutdownTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            cut = _connections.Count;
            Log.AbortingCalls(_logger, cut);
            await _aborting.CancelAsync().ConfigureAwait(false);
            foreach ((IAgiConnection transport, _) in _connections.Values)
            {
                transport.Abort();
            }

            // A closed connection fails every command and fires the hangup token; a script that ignores both (an
            // uncancellable wait) must not hold the host's shutdown forever.
            Task closed = Task.WhenAll(_connections.Values.Select(c => c.Task));
            if (await Task.WhenAny(closed, Task.Delay(AbortGracePeriod, CancellationToken.None)).ConfigureAwait(false) != closed)
            {
                Log.CallsIgnoredAbort(_logger, _connections.Count, AbortGracePeriod);
            }
        }

        if (_endpoints.Count > 0)
        {
            Log.Stopped(_logger, inProgress - cut, cut);
        }
    }

    /// <summary>Stops the server if it is running, closing every connection at once.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
        _epoll?.Dispose();
        _stopping.Dispose();
        _aborting.Dispose();
    }

    /// <summary>
    /// Lets the server bind again while connections of an earlier instance linger in TIME_WAIT, without letting two live
    /// servers share the port: <see cref="SocketOptionName.ReuseAddress"/> would do both on Linux (it also sets SO_REUSEPORT),
    /// and the kernel would then split calls between the two.
    /// </summary>
    private static void AllowRebind(Socket listener, bool reusePort)
    {
        if (OperatingSystem.IsWindows())
        {
            // Windows needs nothing to rebind, and its SO_REUSEADDR would let another process take the port over.
            listener.ExclusiveAddressUse = true;
            return;
        }

        bool linux = OperatingSystem.IsLinux();
        int socketLevel = linux ? 1 : 0xffff;
        listener.SetRawSocketOption(socketLevel, linux ? 2 : 0x4, BitConverter.GetBytes(1));
        if (reusePort)
        {
            // SO_REUSEPORT: several processes listen, and the kernel spreads new connections between them.
            listener.SetRawSocketOption(socketLevel, linux ? 15 : 0x200, BitConverter.GetBytes(1));
        }
    }

    private static bool UsesEpoll(AgiServerOptions options)
        => options.Transport == AgiTransport.Epoll || (options.Transport == AgiTransport.Auto && EpollTransport.IsSupported);

    private void OnAccepted(EpollConnection connection)
    {
        if (_stopping.IsCancellationRequested)
        {
            connection.Abort();
            return;
        }

        if (_epoll!.RunContinuationsAsynchronously)
        {
            // Off the event loop: the call's first steps (environment, routing, the script up to its first command) run
            // on the thread pool like the rest of it.
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Server.Serve(state.Connection), (Server: this, Connection: connection), preferLocal: false);
        }
        else
        {
            Serve(connection);
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (_stopping.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Transient (a connection reset before accept, too many open files): keep serving the other calls.
                Log.AcceptFailed(_logger, ex);
                continue;
            }

            // Asterisk writes one command reply per write; without TCP_NODELAY our replies would wait on its delayed ACKs.
            socket.NoDelay = true;
            Serve(new SocketTransport(socket));
        }
    }

    private void Serve(IAgiConnection transport)
    {
        long id = Interlocked.Increment(ref _nextConnectionId);
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _connections[id] = (transport, completion.Task);
        _ = ServeAsync(id, transport, completion);
    }

    private async Task ServeAsync(long id, IAgiConnection transport, TaskCompletionSource completion)
    {
        try
        {
            await _handler.HandleAsync(transport, id.ToString(CultureInfo.InvariantCulture), _stopping.Token, _aborting.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // HandleAsync reports its own errors; this is the last line of defence, so one call never takes down the server.
            Log.ConnectionCrashed(_logger, id, ex);
        }
        finally
        {
            transport.Abort();
            await transport.DisposeAsync().ConfigureAwait(false);
            _connections.TryRemove(id, out _);
            completion.TrySetResult();
        }
    }
}
