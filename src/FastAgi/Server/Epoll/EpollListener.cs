using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace FastAgi.Server.Epoll;

/// <summary>Accepts connections on a bound, listening socket from an event loop and hands each to the next loop in turn.</summary>
/// <remarks>
/// The listener stops watching the backlog when the server has no room for another connection, and when the process is out
/// of descriptors or memory (level-triggered, the backlog would wake the loop without end): it watches again when a call ends,
/// and, after a descriptor shortage, half a second later in any case, since the shortage may not be ours to end.
/// </remarks>
[System.Runtime.CompilerServices.SkipLocalsInit]
internal sealed unsafe class EpollListener : IEpollHandler, IDisposable
{
    private const int MaxAcceptsPerEvent = 64;
    private static readonly TimeSpan ShortageRetry = TimeSpan.FromMilliseconds(500);

    private readonly Socket _socket;
    private readonly int _fd;
    private readonly EpollTransport _transport;
    private readonly EpollEventLoop _loop;
    private readonly Action<EpollConnection> _onAccepted;
    private readonly Action<int> _onAcceptFailed;
    private readonly Func<bool> _hasRoom;
    private readonly Action _resume;
    private readonly Timer _retry;
    private readonly Lock _lock = new();
    private bool _closed;
    private bool _paused;
    private bool _draining;

    /// <summary>Starts accepting on <paramref name="socket"/>, which must be listening; the listener owns it from now on.</summary>
    /// <param name="socket">The listening socket.</param>
    /// <param name="transport">The transport whose loops serve the connections.</param>
    /// <param name="loop">The loop that watches the listening socket.</param>
    /// <param name="onAccepted">Gets each accepted, started connection.</param>
    /// <param name="onAcceptFailed">Told the errno of an accept that failed.</param>
    /// <param name="hasRoom">Whether the server takes another connection now; when not, the backlog waits until <see cref="Resume"/>.</param>
    public EpollListener(Socket socket, EpollTransport transport, EpollEventLoop loop, Action<EpollConnection> onAccepted, Action<int> onAcceptFailed, Func<bool> hasRoom)
    {
        _socket = socket;
        _socket.Blocking = false;
        _fd = (int)socket.SafeHandle.DangerousGetHandle();
        _transport = transport;
        _loop = loop;
        _onAccepted = onAccepted;
        _onAcceptFailed = onAcceptFailed;
        _hasRoom = hasRoom;
        _resume = Resume;
        _retry = new Timer(static state => ((EpollListener)state!).Resume(), this, Timeout.Infinite, Timeout.Infinite);

        // Level-triggered: connections left in the backlog after a batch raise the event again.
        _loop.Register(_fd, this, Libc.EPOLLIN);
    }

    public void OnReady(uint events)
    {
        byte* address = stackalloc byte[Libc.SockAddrSize];
        for (int i = 0; i < MaxAcceptsPerEvent; i++)
        {
            if (!TryAccept(address, out EpollConnection? connection, out bool drained))
            {
                if (drained)
                {
                    Dispose();
                }

                return;
            }

            if (connection is not null)
            {
                _onAccepted(connection);
            }
        }
    }

    /// <summary>Watches the backlog again, if it was left alone for want of room or descriptors.</summary>
    public void Resume()
    {
        // Called as every call ends: no lock unless there is something to resume. A pause that races this re-checks the room itself.
        if (!Volatile.Read(ref _paused))
        {
            return;
        }

        lock (_lock)
        {
            if (_paused && !_closed)
            {
                _paused = false;
                _loop.Modify(_fd, Libc.EPOLLIN);
            }
        }
    }

    /// <summary>Raised once the listening socket is closed.</summary>
    public event Action? Closed;

    /// <summary>
    /// Stops taking calls: what waits in the backlog is still accepted (as room allows) and handed to the server, which
    /// answers it as a draining server does, and the listening socket closes as soon as the backlog is empty.
    /// </summary>
    public void BeginDraining()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _draining = true;
        }

        Resume();
        OnReady(Libc.EPOLLIN);
    }

    /// <summary>Stops accepting and closes the listening socket.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _loop.Remove(_fd, this);
            _socket.Dispose();
        }

        _retry.Dispose();
        Closed?.Invoke();
    }

    /// <summary>One accept; false when there is nothing more to accept now (empty backlog, no room, no descriptors, closed).</summary>
    private bool TryAccept(byte* address, out EpollConnection? connection, out bool drained)
    {
        connection = null;
        drained = false;
        int fd;
        IPEndPoint? remote;
        lock (_lock)
        {
            if (_closed || _paused)
            {
                return false;
            }

            if (!_hasRoom())
            {
                if (_draining && !_socket.Poll(0, SelectMode.SelectRead))
                {
                    // Draining, and nothing waits in the backlog: close now rather than when room frees.
                    drained = true;
                    return false;
                }

                Pause();

                // A call may have ended between the check and the pause, and its Resume found nothing to resume.
                if (!_hasRoom())
                {
                    return false;
                }

                _paused = false;
                _loop.Modify(_fd, Libc.EPOLLIN);
            }

            uint length = Libc.SockAddrSize;
            fd = Libc.Accept4(_fd, (nint)address, (nint)(&length), Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
            if (fd < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EAGAIN)
                {
                    // A draining listener closes once its backlog is empty.
                    drained = _draining;
                    return false;
                }

                if (errno is Libc.EMFILE or Libc.ENFILE or Libc.ENOBUFS or Libc.ENOMEM)
                {
                    // Out of descriptors or memory: back off, as nginx does, rather than spin on the backlog.
                    Pause();
                    _retry.Change(ShortageRetry, Timeout.InfiniteTimeSpan);
                    _onAcceptFailed(errno);
                    return false;
                }

                // A connection reset before it was accepted, and the like: go on with the next.
                _onAcceptFailed(errno);
                return true;
            }

            remote = Libc.ToEndPoint(new ReadOnlySpan<byte>(address, (int)Math.Min(length, Libc.SockAddrSize)));
        }

        connection = Accepted(fd, remote);
        return true;
    }

    private EpollConnection? Accepted(int fd, IPEndPoint? remote)
    {
        // Asterisk writes one reply per write; without TCP_NODELAY our commands would wait on its delayed ACKs.
        int one = 1;
        Libc.SetSockOpt(fd, Libc.IPPROTO_TCP, Libc.TCP_NODELAY, (byte*)&one, sizeof(int));
        var connection = new EpollConnection(fd, _transport.NextLoop(), _transport.RunContinuationsAsynchronously, _resume)
        {
            RemoteEndPoint = remote,
            MaxReceiveBuffer = _transport.MaxReceiveBuffer,
        };
        try
        {
            connection.Start();
        }
        catch (IOException)
        {
            connection.Abort();
            return null;
        }

        return connection;
    }

    private void Pause()
    {
        if (!_paused)
        {
            _paused = true;
            _loop.Modify(_fd, 0);
        }
    }
}
