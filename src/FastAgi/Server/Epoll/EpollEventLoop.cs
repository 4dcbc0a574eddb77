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
                int count = Libc.EpollWait(_epoll, events, MaxEvents, -1);
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
                for (int i = 0; i < count; i++)
                {
                    byte* ev = events + (i * size);
                    uint ready = Unsafe.ReadUnaligned<uint>(ev);
                    int fd = (int)Unsafe.ReadUnaligned<long>(ev + dataOffset);
                    if (fd == _wake)
                    {
                        continue;
                    }

                    IEpollHandler? handler = (uint)fd < (uint)handlers.Length ? Volatile.Read(ref handlers[fd]) : null;
                    try
                    {
                        handler?.OnReady(ready);
                    }
                    catch (Exception ex)
                    {
                        _onError(ex);
                    }
                }
            }
        }
        finally
        {
            NativeMemory.Free(events);
        }
    }
}
