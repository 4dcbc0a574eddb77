using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace FastAgi.Server.Epoll;

/// <summary>Accepts connections on a bound, listening socket from an event loop and hands each to the next loop in turn.</summary>
internal sealed unsafe class EpollListener : IEpollHandler, IDisposable
{
    private const int MaxAcceptsPerEvent = 64;

    private readonly Socket _socket;
    private readonly int _fd;
    private readonly EpollTransport _transport;
    private readonly EpollEventLoop _loop;
    private readonly Action<EpollConnection> _onAccepted;
    private readonly Action<int> _onAcceptFailed;
    private readonly Action _resume;
    private readonly Lock _lock = new();
    private bool _closed;
    private bool _starved;

    /// <summary>Starts accepting on <paramref name="socket"/>, which must be listening; the listener owns it from now on.</summary>
    public EpollListener(Socket socket, EpollTransport transport, EpollEventLoop loop, Action<EpollConnection> onAccepted, Action<int> onAcceptFailed)
    {
        _socket = socket;
        _socket.Blocking = false;
        _fd = (int)socket.SafeHandle.DangerousGetHandle();
        _transport = transport;
        _loop = loop;
        _onAccepted = onAccepted;
        _onAcceptFailed = onAcceptFailed;
        _resume = Resume;

        // Level-triggered: connections left in the backlog after a batch raise the event again.
        _loop.Register(_fd, this, Libc.EPOLLIN);
    }

    public void OnReady(uint events)
    {
        for (int i = 0; i < MaxAcceptsPerEvent; i++)
        {
            int fd;
            lock (_lock)
            {
                if (_closed || _starved)
                {
                    return;
                }

                fd = Libc.Accept4(_fd, 0, 0, Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
                if (fd < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Libc.EAGAIN)
                    {
                        return;
                    }

                    if (errno is Libc.EMFILE or Libc.ENFILE or Libc.ENOBUFS or Libc.ENOMEM)
                    {
                        // Out of descriptors or memory: stop watching the backlog (level-triggered, it would fire
                        // without end) until a call ends and frees one.
                        _starved = true;
                        _loop.Modify(_fd, 0);
                    }

                    _onAcceptFailed(errno);
                    if (_starved)
                    {
                        return;
                    }

                    continue;
                }
            }

            // Asterisk writes one reply per write; without TCP_NODELAY our commands would wait on its delayed ACKs.
            int one = 1;
            Libc.SetSockOpt(fd, Libc.IPPROTO_TCP, Libc.TCP_NODELAY, (byte*)&one, sizeof(int));
            var connection = new EpollConnection(fd, _transport.NextLoop(), _transport.RunContinuationsAsynchronously, _resume);
            try
            {
                connection.Start();
            }
            catch (IOException)
            {
                connection.Abort();
                continue;
            }

            _onAccepted(connection);
        }
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
    }

    private void Resume()
    {
        lock (_lock)
        {
            if (_starved && !_closed)
            {
                _starved = false;
                _loop.Modify(_fd, Libc.EPOLLIN);
            }
        }
    }
}
