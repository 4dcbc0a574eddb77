using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using FastAgi.Diagnostics;
using FastAgi.Hosting;
using FastAgi.Server.Epoll;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FastAgi.Server;

/// <summary>The FastAGI TCP server: accepts Asterisk's connections on the configured endpoints and serves each call on its own asynchronous flow, with no thread per call.</summary>
/// <remarks>
/// <para>
/// Connections from outside <see cref="AgiServerOptions.AllowedPeers"/> are closed before a byte is read. Past
/// <see cref="AgiServerOptions.MaxConcurrentCalls"/> a call is answered <c>FASTAGI_ERROR=BUSY</c>; past that too, the
/// backlog waits. Stopping answers what waits in the backlog with <c>FASTAGI_ERROR=SHUTDOWN</c>, closes the listeners, waits up
/// to <see cref="AgiServerOptions.ShutdownTimeout"/> for calls in progress, then closes the rest.
/// </para>
/// </remarks>
public sealed partial class AgiServer : IHostedLifecycleService, IAsyncDisposable
{
    /// <summary>How long scripts get to end once their connections were closed at the shutdown deadline.</summary>
    internal static readonly TimeSpan AbortGracePeriod = TimeSpan.FromSeconds(5);

    /// <summary>At capacity, a connection that has not sent its environment after this long is closed to make room: Asterisk sends it at once.</summary>
    private static readonly TimeSpan PressureEnvironmentTimeout = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan PressureCheck = TimeSpan.FromMilliseconds(50);

    /// <summary>How long an event loop may be busy with one batch before the script running on it is reported.</summary>
    private static readonly TimeSpan BlockedLoopThreshold = TimeSpan.FromSeconds(1);

    /// <summary>How long a closing connection waits for the peer's FIN.</summary>
    private static readonly TimeSpan CloseLinger = TimeSpan.FromSeconds(2);

    private readonly AgiConnectionHandler _handler;
    private readonly AgiServerOptions _options;
    private readonly ILogger<AgiServer> _logger;
    private readonly ConcurrentDictionary<long, Entry> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _aborting = new();
    private readonly List<Socket> _listeners = [];
    private readonly List<EpollListener> _epollListeners = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly List<IPEndPoint> _endpoints = [];
    private readonly LogThrottle _refusedPeers = new(TimeProvider.System, LogThrottle.DefaultInterval);
    private readonly LogThrottle _busy = new(TimeProvider.System, LogThrottle.DefaultInterval);
    private readonly LogThrottle _acceptFailures = new(TimeProvider.System, LogThrottle.DefaultInterval);
    private readonly Timer _pressure;
    private readonly ConcurrentDictionary<string, byte> _blockingScripts = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _waitingForEnvironment = new();
    private readonly Action<AgiConnectionContext> _environmentArrived;
    private readonly LogThrottle _evictions = new(TimeProvider.System, LogThrottle.DefaultInterval);
    private readonly Func<bool> _callSlots;
    private AgiPeerAllowlist _allowlist = AgiPeerAllowlist.Everyone;
    private AgiPeerAllowlist? _trustedProxies;
    private int _stopRequested;
    private AgiAdmission _admission = new(int.MaxValue, 0);
    private EpollTransport? _epoll;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextConnectionId;
    private int _pressureArmed;
    private int _openListeners;
    private TaskCompletionSource? _idle;

    /// <summary>Creates the server; the host gets it from dependency injection.</summary>
    public AgiServer(AgiConnectionHandler handler, IOptions<AgiServerOptions> options, ILogger<AgiServer> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _handler = handler;
        _options = options.Value;
        _logger = logger;
        _pressure = new Timer(static state => ((AgiServer)state!).OnPressureCheck(), this, Timeout.Infinite, Timeout.Infinite);
        _callSlots = TryStartCall;
        _environmentArrived = context => StopWaiting((Entry)context.Owner!);
        _handler.Metrics.ReportReadiness(() => IsReady);
    }

    /// <summary>The endpoints the server listens on once started, with the actual port when port 0 was configured.</summary>
    public IReadOnlyList<IPEndPoint> Endpoints => _endpoints;

    /// <summary>The number of calls being served now: connections whose environment has arrived and that hold a call slot.</summary>
    public int ActiveCalls => _admission.Calls;

    /// <summary>The number of connections being served now.</summary>
    public int ActiveConnections => _connections.Count;

    /// <summary>The most calls served at once, as <see cref="AgiServerOptions.MaxConcurrentCalls"/> and the descriptor limit set it when the server started.</summary>
    public int MaxConcurrentCalls => _admission.MaxCalls;

    /// <summary>Whether the server is stopping: it takes no more calls.</summary>
    public bool IsDraining => _stopping.IsCancellationRequested;

    /// <summary>Whether the server takes calls now: it listens, is not stopping (nor in its <see cref="AgiServerOptions.DrainDelay"/>), and is below <see cref="MaxConcurrentCalls"/>.</summary>
    public bool IsReady => Volatile.Read(ref _stopRequested) == 0 && _endpoints.Count > 0 && !IsAtCapacity;

    /// <summary>Whether a stop has been asked for: the server reports itself not ready, and drains once its <see cref="AgiServerOptions.DrainDelay"/> has passed.</summary>
    public bool IsStopping => Volatile.Read(ref _stopRequested) != 0;

    /// <summary>Whether the server is serving <see cref="MaxConcurrentCalls"/> calls: a new one would be answered BUSY.</summary>
    public bool IsAtCapacity => _admission.Calls >= _admission.MaxCalls;

    /// <summary>Binds every configured endpoint and starts accepting calls.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _handler.CheckScriptServices();
        _allowlist = AgiPeerAllowlist.Parse(_options.AllowedPeers);
        _trustedProxies = _options.ProxyProtocol ? AgiPeerAllowlist.Parse(_options.TrustedProxies, "FastAgi:TrustedProxies") : null;
        AgiCapacity capacity = AgiCapacity.For(_options.MaxConcurrentCalls);
        _admission = new AgiAdmission(capacity.Calls, capacity.Calls + capacity.Refusals);
        _admission.RoomFreed += ResumeListeners;
        if (_options.MaxConcurrentCalls > capacity.Calls)
        {
            AgiLog.CapacityLowered(_logger, _options.MaxConcurrentCalls, capacity.Calls, capacity.DescriptorLimit);
        }

        bool epoll = UsesEpoll(_options);
        foreach (IPEndPoint endpoint in EndpointParser.ParseList(_options.Listen))
        {
            Socket listener = Bind(endpoint);
            Interlocked.Increment(ref _openListeners);
            var bound = (IPEndPoint)listener.LocalEndPoint!;
            _endpoints.Add(bound);
            if (epoll)
            {
                if (_epoll is null)
                {
                    _epoll = new EpollTransport(
                        _options.EventLoops > 0 ? _options.EventLoops : Math.Max(1, Environment.ProcessorCount / 2),
                        runContinuationsAsynchronously: !_options.RunScriptsOnEventLoops,
                        ex => AgiLog.EventLoopFault(_logger, ex),
                        ReceiveBufferFor(_options.Limits));
                    _epoll.WatchForBlockedLoops(BlockedLoopThreshold, OnLoopBlocked);
                }

                EpollListener epollListener = _epoll.Listen(listener, OnAccepted, OnAcceptFailed, HasRoom);
                epollListener.Closed += OnListenerClosed;
                _epollListeners.Add(epollListener);
            }
            else
            {
                _listeners.Add(listener);
                _acceptLoops.Add(AcceptLoopAsync(listener));
            }

            AgiLog.Listening(_logger, bound, epoll ? AgiTransport.Epoll : AgiTransport.Sockets);
            if (_allowlist.AllowsEveryone && !IsLoopback(bound.Address))
            {
                AgiLog.OpenToEveryone(_logger, bound);
            }
        }

        AgiLog.Capacity(_logger, capacity.Calls, capacity.DescriptorLimit);
        return Task.CompletedTask;
    }

    /// <summary>Nothing to do before the host starts its services.</summary>
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Nothing to do once every service has started.</summary>
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Drains as <see cref="StopAsync"/> does, before the host stops any service: in an ASP.NET Core host the web server (and
    /// the <c>/readyz</c> that reports the drain) keeps serving until the calls are done.
    /// </summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => StopAsync(cancellationToken);

    /// <summary>Nothing to do once every service has stopped.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Stops accepting (what waits in the backlog is answered <c>FASTAGI_ERROR=SHUTDOWN</c>), waits for calls in progress up to
    /// the shutdown timeout (or until <paramref name="cancellationToken"/> fires), then closes the rest.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) != 0)
        {
            return;
        }

        // Not ready at once, still serving for the delay: a load balancer's health check takes the server out first.
        if (_options.DrainDelay > TimeSpan.Zero && _endpoints.Count > 0)
        {
            AgiLog.Leaving(_logger, _options.DrainDelay);
            try
            {
                await Task.Delay(_options.DrainDelay, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The host's own deadline: drain now.
            }
        }

        if (_endpoints.Count > 0)
        {
            AgiLog.Stopping(_logger, _connections.Count);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);

        // What already waits in the backlogs is answered SHUTDOWN (closing a listener with connections in its backlog would
        // reset them, which Asterisk reads as an AGI that ran); each listener closes once its backlog is empty.
        foreach (EpollListener listener in _epollListeners)
        {
            listener.BeginDraining();
        }

        int inProgress = _connections.Count;
        int cut = 0;
        try
        {
            await DrainedAsync().WaitAsync(_options.ShutdownTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            CloseListeners();
            cut = _connections.Count;
            AgiLog.AbortingCalls(_logger, cut);
            await _aborting.CancelAsync().ConfigureAwait(false);
            foreach (Entry entry in _connections.Values)
            {
                entry.Transport.Abort();
            }

            // A closed connection fails every command and fires the hangup token; a script that ignores both (an
            // uncancellable wait) must not hold the host's shutdown forever.
            Task closed = Task.WhenAll(_connections.Values.Select(c => c.Task));
            if (await Task.WhenAny(closed, Task.Delay(AbortGracePeriod, CancellationToken.None)).ConfigureAwait(false) != closed)
            {
                AgiLog.CallsIgnoredAbort(_logger, _connections.Count, AbortGracePeriod);
            }
        }

        CloseListeners();
        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        if (_endpoints.Count > 0)
        {
            AgiLog.Stopped(_logger, Math.Max(0, inProgress - cut), cut);
        }
    }

    /// <summary>Stops the server if it is running, closing every connection at once.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
        await _pressure.DisposeAsync().ConfigureAwait(false);
        _epoll?.Dispose();
        _stopping.Dispose();
        _aborting.Dispose();
    }

    private static bool UsesEpoll(AgiServerOptions options)
        => options.Transport == AgiTransport.Epoll || (options.Transport == AgiTransport.Auto && EpollTransport.IsSupported);

    private static bool IsLoopback(IPAddress address) => IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private Socket Bind(IPEndPoint endpoint)
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
            return listener;
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

    /// <summary>A power of two above the largest reply or environment the parsers accept, with room for a fence and HANGUP lines behind it.</summary>
    private static int ReceiveBufferFor(Protocol.AgiProtocolLimits limits)
    {
        long needed = Math.Max(limits.MaxReplyLength, limits.MaxEnvironmentSize) + (64L * 1024);
        return (int)Math.Min(1L << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)needed));
    }

    /// <summary>A script that blocks an event loop this long delays every call on it: said once per script.</summary>
    private void OnLoopBlocked(EpollEventLoop loop, TimeSpan blocked, IEpollHandler? handler)
    {
        string script = (handler as EpollConnection)?.Owner is AgiConnectionContext { ScriptPath: { } path } ? path : "(unknown)";
        _handler.Metrics.LoopBlocked();
        if (_blockingScripts.TryAdd(script, 0))
        {
            AgiLog.LoopBlocked(_logger, Protocol.AgiLogText.Escape(script), loop.Name, blocked);
        }
    }

    /// <summary>Whether a listener may accept now: a free slot, or a connection that has sent nothing for long enough to give its slot up.</summary>
    private bool HasRoom()
    {
        if (_admission.HasRoom || OldestIdle() is not null)
        {
            return true;
        }

        // The listener pauses: look again when the idle connections have aged enough to be closed for room.
        ArmPressureCheck();
        return false;
    }

    private void ResumeListeners()
    {
        foreach (EpollListener listener in _epollListeners)
        {
            listener.Resume();
        }
    }

    private void OnAcceptFailed(int errno)
    {
        if (_acceptFailures.TryEnter(out long suppressed))
        {
            AgiLog.AcceptFailedErrno(_logger, Marshal.GetPInvokeErrorMessage(errno), errno, suppressed);
        }
    }

    private void OnAccepted(EpollConnection connection) => Admit(connection, offLoop: _epoll!.RunContinuationsAsynchronously);

    private async Task AcceptLoopAsync(Socket listener)
    {
        TimeSpan backoff = TimeSpan.Zero;
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                if (!HasRoom())
                {
                    await _admission.WaitForRoomAsync(_stopping.Token).ConfigureAwait(false);
                    continue;
                }

                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
                backoff = TimeSpan.Zero;
            }
            catch (Exception ex) when (_stopping.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                break;
            }
            catch (SocketException ex)
            {
                if (_acceptFailures.TryEnter(out long suppressed))
                {
                    AgiLog.AcceptFailed(_logger, ex.SocketErrorCode, ex.Message, suppressed);
                }

                if (ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    // Out of descriptors or buffers: back off, as nginx does, instead of spinning on the backlog.
                    backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(10) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.TicksPerSecond));
                    try
                    {
                        await Task.Delay(backoff, _stopping.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                continue;
            }

            // Asterisk writes one command reply per write; without TCP_NODELAY our replies would wait on its delayed ACKs.
            socket.NoDelay = true;
            Admit(new SocketTransport(socket));
        }

        await DrainBacklogAsync(listener).ConfigureAwait(false);
    }

    /// <summary>Answers what is left in a listening socket's backlog as a draining server does, then closes it.</summary>
    private async Task DrainBacklogAsync(Socket listener)
    {
        try
        {
            listener.Blocking = false;
            while (true)
            {
                if (!HasRoom())
                {
                    if (!listener.Poll(0, SelectMode.SelectRead))
                    {
                        // Nothing waits in the backlog: close now rather than when room frees.
                        return;
                    }

                    await _admission.WaitForRoomAsync(_aborting.Token).ConfigureAwait(false);
                    continue;
                }

                Socket socket = listener.Accept();
                socket.Blocking = true;
                socket.NoDelay = true;
                Admit(new SocketTransport(socket));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The backlog is empty (WouldBlock), the listener was closed at the deadline, or the drain was cut short.
        }
        finally
        {
            listener.Dispose();
            OnListenerClosed();
        }
    }

    /// <summary>
    /// Decides what a new connection gets, at once on the accepting thread so that the listener's next room check counts
    /// it: nothing (not on the allowlist), a call, or a refusal (BUSY, SHUTDOWN). Then serves it, on the thread pool when
    /// <paramref name="offLoop"/> (the call's first steps then run there like the rest of it).
    /// </summary>
    private void Admit(IAgiConnection connection, bool offLoop = false)
    {
        // A trusted load balancer's connection is judged by the client its PROXY header names, once that has arrived.
        bool proxied = _trustedProxies is { } proxies && proxies.Allows(connection.RemoteEndPoint?.Address);
        if (!proxied && !_allowlist.Allows(connection.RemoteEndPoint?.Address))
        {
            _handler.Metrics.ConnectionRefused("allowlist");
            if (_refusedPeers.TryEnter(out long suppressed))
            {
                AgiLog.PeerNotAllowed(_logger, connection.RemoteEndPoint, suppressed);
            }

            Close(connection);
            return;
        }

        bool draining = _stopping.IsCancellationRequested;
        if (!_admission.TryAcceptConnection() && !TryTakeSlotOfIdle())
        {
            // Only a race with the listener's own check gets here: the connection cannot even be told.
            _handler.Metrics.ConnectionRefused(draining ? "shutdown" : "capacity");
            Close(connection);
            return;
        }

        string? refusal = null;
        if (draining)
        {
            refusal = "SHUTDOWN";
            _handler.Metrics.ConnectionRefused("shutdown");
        }

        long id = Interlocked.Increment(ref _nextConnectionId);
        var context = new AgiConnectionContext
        {
            Connection = connection,
            ShutdownAbort = _aborting.Token,
            Refusal = refusal,
            CallSlots = draining ? null : _callSlots,
            EnvironmentArrived = _environmentArrived,
            ExpectsProxyHeader = proxied,
            Allowlist = proxied && !_allowlist.AllowsEveryone ? _allowlist : null,
        };
        if (connection is EpollConnection epollConnection)
        {
            epollConnection.Owner = context;
        }

        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entry = new Entry(connection, completion.Task, context);
        context.Owner = entry;
        _connections[id] = entry;
        lock (_waitingForEnvironment)
        {
            entry.Waiting = _waitingForEnvironment.AddLast(entry);
        }

        if (offLoop)
        {
            ThreadPool.UnsafeQueueUserWorkItem(
                static state => _ = state.Server.ServeAsync(state.Id, state.Entry, state.Completion),
                (Server: this, Id: id, Entry: entry, Completion: completion),
                preferLocal: false);
        }
        else
        {
            _ = ServeAsync(id, entry, completion);
        }
    }

    /// <summary>
    /// The oldest connection that has sent no environment for <see cref="PressureEnvironmentTimeout"/>, or <see langword="null"/>:
    /// Asterisk sends its environment at once, so under pressure such a connection is the first to go.
    /// </summary>
    private Entry? OldestIdle()
    {
        long stale = (long)(PressureEnvironmentTimeout.TotalSeconds * Stopwatch.Frequency);
        lock (_waitingForEnvironment)
        {
            Entry? oldest = _waitingForEnvironment.First?.Value;
            return oldest is not null && Stopwatch.GetTimestamp() - oldest.Context.AcceptedAt >= stale ? oldest : null;
        }
    }

    /// <summary>How many open connections have not sent their environment yet.</summary>
    internal int ConnectionsWaitingForEnvironment
    {
        get
        {
            lock (_waitingForEnvironment)
            {
                return _waitingForEnvironment.Count;
            }
        }
    }

    /// <summary>Takes a connection off the list of those waiting for their environment: it arrived, or the connection ended.</summary>
    private void StopWaiting(Entry entry)
    {
        lock (_waitingForEnvironment)
        {
            if (entry.Waiting is { } node)
            {
                _waitingForEnvironment.Remove(node);
                entry.Waiting = null;
            }
        }
    }

    /// <summary>Closes the oldest idle connection and hands its slot to the connection being accepted.</summary>
    private bool TryTakeSlotOfIdle()
    {
        while (OldestIdle() is { } idle)
        {
            StopWaiting(idle);
            if (idle.TryTransferSlot())
            {
                idle.Transport.Abort();
                _handler.Metrics.ConnectionRefused("environment_timeout");
                if (_evictions.TryEnter(out long suppressed))
                {
                    AgiLog.EvictedIdle(_logger, (int)suppressed + 1, PressureEnvironmentTimeout);
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>The call slot of a connection whose environment has arrived; false: the server is at capacity and the call is answered BUSY.</summary>
    private bool TryStartCall()
    {
        if (_admission.TryStartCall())
        {
            return true;
        }

        _handler.Metrics.ConnectionRefused("capacity");
        if (_busy.TryEnter(out long suppressed))
        {
            AgiLog.AtCapacity(_logger, _admission.MaxCalls, suppressed);
        }

        return false;
    }

    private static void Close(IAgiConnection connection)
    {
        connection.Abort();
        _ = connection.DisposeAsync().AsTask();
    }

    private async Task ServeAsync(long id, Entry entry, TaskCompletionSource completion)
    {
        IAgiConnection transport = entry.Transport;
        AgiConnectionContext context = entry.Context;
        try
        {
            // A stop drops a call still sending its environment; a refusal (SHUTDOWN itself) is answered until the deadline.
            CancellationToken environment = context.Refusal is null ? _stopping.Token : _aborting.Token;
            await _handler.HandleAsync(transport, id.ToString(CultureInfo.InvariantCulture), context, environment).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // HandleAsync reports its own errors; this is the last line of defence, so one call never takes down the server.
            AgiLog.ConnectionCrashed(_logger, id, ex);
        }
        finally
        {
            // A FIN and a short wait for Asterisk's own, so that calls end without a reset; a call cut at the deadline is closed at once.
            if (_aborting.IsCancellationRequested)
            {
                transport.Abort();
            }
            else
            {
                await transport.CloseAsync(CloseLinger).ConfigureAwait(false);
            }

            await transport.DisposeAsync().ConfigureAwait(false);
            StopWaiting(entry);
            _connections.TryRemove(id, out _);
            if (context.CallStarted)
            {
                _admission.EndCall();
            }

            // Unless an accept took the slot over when it closed this connection for room.
            if (entry.TryReleaseSlot())
            {
                _admission.ReleaseConnection();
            }

            completion.TrySetResult();
            CheckDrained();
            if (_idle is not null)
            {
                SignalIfNoConnections();
            }
        }
    }

    /// <summary>Completes once no connection is open (at once if none is): for tests that need a call's slot back.</summary>
    internal Task WhenNoConnectionsAsync()
    {
        TaskCompletionSource? idle = null;
        lock (_connections)
        {
            if (!_connections.IsEmpty)
            {
                idle = _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        return idle?.Task ?? Task.CompletedTask;
    }

    private void SignalIfNoConnections()
    {
        TaskCompletionSource? idle = null;
        lock (_connections)
        {
            if (_connections.IsEmpty)
            {
                idle = _idle;
                _idle = null;
            }
        }

        idle?.TrySetResult();
    }

    /// <summary>Completes when every listener has closed and every connection has ended.</summary>
    private Task DrainedAsync()
    {
        CheckDrained();
        return _drained.Task;
    }

    private void OnListenerClosed()
    {
        Interlocked.Decrement(ref _openListeners);
        CheckDrained();
    }

    private void CheckDrained()
    {
        if (_stopping.IsCancellationRequested && Volatile.Read(ref _openListeners) == 0 && _connections.IsEmpty)
        {
            _drained.TrySetResult();
        }
    }

    private void CloseListeners()
    {
        foreach (EpollListener listener in _epollListeners)
        {
            listener.Dispose();
        }

        foreach (Socket listener in _listeners)
        {
            listener.Dispose();
        }
    }

    private void ArmPressureCheck()
    {
        if (Interlocked.Exchange(ref _pressureArmed, 1) == 0)
        {
            _pressure.Change(PressureCheck, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Paused at capacity: idle connections may have aged enough to be closed for room, so the listeners look again.</summary>
    private void OnPressureCheck()
    {
        Volatile.Write(ref _pressureArmed, 0);
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        ResumeListeners();
        _admission.Poke();
    }

    /// <summary>A connection being served, with its slot: released when it ends, or transferred to the connection that closed it for room.</summary>
    private sealed class Entry(IAgiConnection transport, Task task, AgiConnectionContext context)
    {
        private const int Holding = 0;
        private const int Released = 1;
        private const int Transferred = 2;
        private int _slot;

        public IAgiConnection Transport { get; } = transport;

        public Task Task { get; } = task;

        public AgiConnectionContext Context { get; } = context;

        /// <summary>Its place in the list of connections waiting for their environment, while it waits (under the list's lock).</summary>
        public LinkedListNode<Entry>? Waiting { get; set; }

        public bool TryReleaseSlot() => Interlocked.CompareExchange(ref _slot, Released, Holding) == Holding;

        public bool TryTransferSlot() => Interlocked.CompareExchange(ref _slot, Transferred, Holding) == Holding;
    }
}
