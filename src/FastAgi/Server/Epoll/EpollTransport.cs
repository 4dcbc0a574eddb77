using System.Net.Sockets;

namespace FastAgi.Server.Epoll;

/// <summary>The Linux transport: a few event loops on <c>epoll</c> serving every connection with direct <c>recv</c> and <c>send</c> calls.</summary>
internal sealed class EpollTransport : IDisposable
{
    private readonly EpollEventLoop[] _loops;
    private int _next;
    private Timer? _watchdog;

    /// <summary>Starts <paramref name="loopCount"/> event loop threads.</summary>
    /// <param name="loopCount">How many loops (threads) share the connections.</param>
    /// <param name="runContinuationsAsynchronously">Whether code awaiting socket I/O continues on the thread pool (true) or on the loop's thread.</param>
    /// <param name="onError">Told of an exception that escaped a handler on a loop thread.</param>
    /// <param name="maxReceiveBuffer">The most a connection's reader buffers; <see cref="EpollConnection.DefaultMaxReceiveBuffer"/> by default.</param>
    public EpollTransport(int loopCount, bool runContinuationsAsynchronously, Action<Exception> onError, int maxReceiveBuffer = EpollConnection.DefaultMaxReceiveBuffer)
    {
        MaxReceiveBuffer = maxReceiveBuffer;
        ArgumentOutOfRangeException.ThrowIfLessThan(loopCount, 1);
        Libc.UseSystemLibrary();
        RunContinuationsAsynchronously = runContinuationsAsynchronously;
        _loops = new EpollEventLoop[loopCount];
        try
        {
            for (int i = 0; i < loopCount; i++)
            {
                _loops[i] = new EpollEventLoop($"FastAgi epoll {i}", onError);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Whether this system has epoll.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>The most a connection's reader buffers.</summary>
    public int MaxReceiveBuffer { get; }

    /// <summary>Whether code awaiting socket I/O continues on the thread pool rather than on a loop's thread.</summary>
    public bool RunContinuationsAsynchronously { get; }

    /// <summary>Accepts connections on the listening <paramref name="socket"/> (which the returned listener owns) and hands each, started, to <paramref name="onAccepted"/>, while <paramref name="hasRoom"/> says so.</summary>
    public EpollListener Listen(Socket socket, Action<EpollConnection> onAccepted, Action<int> onAcceptFailed, Func<bool> hasRoom)
        => new(socket, this, NextLoop(), onAccepted, onAcceptFailed, hasRoom);

    /// <summary>
    /// Reports a loop busy with one batch of events for longer than <paramref name="threshold"/>, once per episode, with the
    /// handler it is running: checked every quarter of the threshold until the transport is disposed.
    /// </summary>
    public void WatchForBlockedLoops(TimeSpan threshold, Action<EpollEventLoop, TimeSpan, IEpollHandler?> onBlocked)
    {
        long limit = (long)(threshold.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        long[] reported = new long[_loops.Length];
        _watchdog = new Timer(
            _ =>
            {
                long now = System.Diagnostics.Stopwatch.GetTimestamp();
                for (int i = 0; i < _loops.Length; i++)
                {
                    long since = _loops[i].BusySince;
                    if (since != 0 && since != reported[i] && now - since > limit)
                    {
                        reported[i] = since;
                        onBlocked(_loops[i], System.Diagnostics.Stopwatch.GetElapsedTime(since, now), _loops[i].Current);
                    }
                }
            },
            null,
            threshold / 4,
            threshold / 4);
    }

    /// <summary>The loop for the next connection, in turn.</summary>
    public EpollEventLoop NextLoop() => _loops[(int)((uint)Interlocked.Increment(ref _next) % (uint)_loops.Length)];

    /// <summary>Stops every loop thread.</summary>
    public void Dispose()
    {
        _watchdog?.Dispose();
        foreach (EpollEventLoop? loop in _loops)
        {
            loop?.Dispose();
        }
    }
}
