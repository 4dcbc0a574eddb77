using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastAgi.Server.Epoll;

/// <summary>Something registered with an <see cref="EpollEventLoop"/> that is told when its descriptor may be ready.</summary>
internal interface IEpollHandler
{
    /// <summary>Called on the loop's thread with the ready events. A call can be spurious: handlers always try the I/O and accept EAGAIN.</summary>
    void OnReady(uint events);
}

/// <summary>One thread waiting in <c>epoll_wait</c> and dispatching readiness to the handlers registered with it, looked up by descriptor.</summary>
internal sealed unsafe class EpollEventLoop : IDisposable
{
    private const int MaxEvents = 256;

    private readonly int _epoll;
    private readonly int _wake;
    private readonly Thread _thread;
    private readonly Lock _tableLock = new();
    private IEpollHandler?[] _handlers = new IEpollHandler?[256];
    private readonly Action<Exception> _onError;
    private volatile bool _stopping;
    private static readonly long LingerSweep = System.Diagnostics.Stopwatch.Frequency / 50;
    private readonly System.Collections.Concurrent.ConcurrentQueue<(EpollConnection Connection, long Deadline)> _newLingering = new();
    private readonly List<(EpollConnection Connection, long Deadline)> _lingering = [];
    private long _nextSweep;
    private int _wakePending;
    private long _busySince;
    private IEpollHandler? _current;

    /// <summary>Creates the epoll descriptor and starts the loop's thread.</summary>
    /// <param name="name">The thread's name.</param>
    /// <param name="onError">Told of an exception a handler let escape; the loop goes on with the other descriptors.</param>
    public EpollEventLoop(string name, Action<Exception> onError)
    {
        _onError = onError;
        _epoll = Libc.EpollCreate(Libc.EPOLL_CLOEXEC);
        if (_epoll < 0)
        {
            throw Errors.LastError("epoll_create1");
        }

        _wake = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (_wake < 0 || Libc.EpollControl(_epoll, Libc.EPOLL_CTL_ADD, _wake, Libc.EPOLLIN) < 0)
        {
            Exception error = Errors.LastError("eventfd");
            if (_wake >= 0)
            {
                Libc.Close(_wake);
            }

            Libc.Close(_epoll);
            throw error;
        }

        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.UnsafeStart();
    }

    /// <summary>
    /// Bounds the linger of a closing connection: its own events close it once the peer has closed too, and every few
    /// milliseconds the loop closes those whose <paramref name="linger"/> is over.
    /// </summary>
    /// <remarks>
    /// Swept on the loop's own thread: a timer per connection, or a sweep on another thread, would contend with the loop for
    /// the connections' locks.
    /// </remarks>
    public void Linger(EpollConnection connection, TimeSpan linger)
    {
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(linger.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        _newLingering.Enqueue((connection, deadline));
        if (Thread.CurrentThread != _thread && Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            // The loop may be waiting with no timeout: have it start sweeping.
            ulong one = 1;
            Libc.Write(_wake, (byte*)&one, sizeof(ulong));
        }
    }

    /// <summary>The thread's name.</summary>
    public string Name => _thread.Name ?? "epoll";

    /// <summary>
    /// Since when the loop has been busy with one batch of events (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), or 0
    /// while it waits: a script that blocks the loop's thread shows here as a batch that does not end.
    /// </summary>
    public long BusySince => Volatile.Read(ref _busySince);

    /// <summary>The handler the loop is running now, if any: for saying which call blocks it.</summary>
    public IEpollHandler? Current => Volatile.Read(ref _current);

    /// <summary>On the loop's thread: the lingering connections whose linger is over are closed, and those closed meanwhile forgotten.</summary>
    private void SweepLingering()
    {
        while (_newLingering.TryDequeue(out (EpollConnection Connection, long Deadline) added))
        {
            _lingering.Add(added);
        }

        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int i = _lingering.Count - 1; i >= 0; i--)
        {
            (EpollConnection connection, long deadline) = _lingering[i];
            if (connection.CheckLinger(expired: now >= deadline))
            {
                _lingering[i] = _lingering[^1];
                _lingering.RemoveAt(_lingering.Count - 1);
            }
        }
    }

    /// <summary>How long epoll_wait may sleep: for ever, or until the next sweep when connections linger.</summary>
    private int WaitTimeout()
    {
        if (_lingering.Count == 0 && _newLingering.IsEmpty)
        {
            return -1;
        }

        long remaining = _nextSweep - System.Diagnostics.Stopwatch.GetTimestamp();
        return remaining <= 0 ? 0 : (int)Math.Ceiling(remaining * 1000.0 / System.Diagnostics.Stopwatch.Frequency);
    }

    /// <summary>Starts dispatching events of <paramref name="fd"/> to <paramref name="handler"/>.</summary>
    public void Register(int fd, IEpollHandler handler, uint events)
    {
        lock (_tableLock)
        {
            if (fd >= _handlers.Length)
            {
                Array.Resize(ref _handlers, Math.Max(fd + 1, _handlers.Length * 2));
            }

            Volatile.Write(ref _handlers[fd], handler);
        }

        if (Libc.EpollControl(_epoll, Libc.EPOLL_CTL_ADD, fd, events) < 0)
        {
            Exception error = Errors.LastError("epoll_ctl");
            Unregister(fd, handler);
            throw error;
        }
    }

    /// <summary>Changes the events watched for <paramref name="fd"/>.</summary>
    public int Modify(int fd, uint events) => Libc.EpollControl(_epoll, Libc.EPOLL_CTL_MOD, fd, events);

    /// <summary>Stops dispatching to <paramref name="handler"/>; call before closing the descriptor, whose number may be reused at once.</summary>
    public void Unregister(int fd, IEpollHandler handler)
    {
        lock (_tableLock)
        {
            if (fd < _handlers.Length && ReferenceEquals(_handlers[fd], handler))
            {
                _handlers[fd] = null;
            }
        }
    }

    /// <summary>Removes <paramref name="fd"/> from the interest list without closing it.</summary>
    public void Remove(int fd, IEpollHandler handler)
    {
        Unregister(fd, handler);
        Libc.EpollControl(_epoll, Libc.EPOLL_CTL_DEL, fd, 0);
    }

    /// <summary>Stops the thread and closes the epoll descriptor; handlers still registered are no longer told anything.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        ulong one = 1;
        Libc.Write(_wake, (byte*)&one, sizeof(ulong));
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        Libc.Close(_wake);
        Libc.Close(_epoll);
    }

    private void Run()
    {
        int size = Libc.EpollEventSize;
        int dataOffset = Libc.EpollDataOffset;
        byte* events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * size));
        try
        {
            while (!_stopping)
            {
                int count = Libc.EpollWait(_epoll, events, MaxEvents, WaitTimeout());
                if (count < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Libc.EINTR)
                    {
                        continue;
                    }

                    // Not expected of a valid epoll descriptor; say so rather than leave this loop's calls hanging unseen.
                    _onError(Errors.LastError("epoll_wait"));
                    return;
                }

                IEpollHandler?[] handlers = Volatile.Read(ref _handlers);
                Volatile.Write(ref _busySince, System.Diagnostics.Stopwatch.GetTimestamp());
                for (int i = 0; i < count; i++)
                {
                    byte* ev = events + (i * size);
                    uint ready = Unsafe.ReadUnaligned<uint>(ev);
                    int fd = (int)Unsafe.ReadUnaligned<long>(ev + dataOffset);
                    if (fd == _wake)
                    {
                        ulong value;
                        Libc.Read(_wake, (byte*)&value, sizeof(ulong));
                        Volatile.Write(ref _wakePending, 0);
                        continue;
                    }

                    IEpollHandler? handler = (uint)fd < (uint)handlers.Length ? Volatile.Read(ref handlers[fd]) : null;
                    _current = handler;
                    try
                    {
                        handler?.OnReady(ready);
                    }
                    catch (Exception ex)
                    {
                        _onError(ex);
                    }
                }

                _current = null;
                if ((_lingering.Count > 0 || !_newLingering.IsEmpty) && System.Diagnostics.Stopwatch.GetTimestamp() >= _nextSweep)
                {
                    try
                    {
                        SweepLingering();
                    }
                    catch (Exception ex)
                    {
                        _onError(ex);
                    }

                    _nextSweep = System.Diagnostics.Stopwatch.GetTimestamp() + LingerSweep;
                }

                Volatile.Write(ref _busySince, 0);
            }
        }
        finally
        {
            NativeMemory.Free(events);
        }
    }
}
