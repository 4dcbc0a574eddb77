using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace FastAgi.Server.Epoll;

/// <summary>
/// A connected TCP socket served by an <see cref="EpollEventLoop"/>, seen as a pair of pipes: reads and writes are
/// plain <c>recv</c> and <c>send</c> calls on the descriptor, with no queue of operations in between.
/// </summary>
/// <remarks>
/// The socket is registered edge-triggered. A readiness event with no read waiting leaves the bytes in the kernel: the
/// next read takes them, so a peer that writes while nobody reads costs no memory here. An idle connection holds no
/// buffer: both sides rent one from the shared pool while they have bytes and give it back when they have none.
/// </remarks>
[System.Runtime.CompilerServices.SkipLocalsInit]
internal sealed unsafe class EpollConnection : IAgiConnection, IEpollHandler
{
    /// <summary>The events a connection is registered for.</summary>
    public const uint Events = Libc.EPOLLIN | Libc.EPOLLOUT | Libc.EPOLLRDHUP | Libc.EPOLLET;

    private const int ReceiveSize = 2048;
    /// <summary>The receive buffer's bound when none is given: what the parsers accept by default, and then some.</summary>
    public const int DefaultMaxReceiveBuffer = 2 << 20;
    private const int SendSize = 512;
    private const int MaxDiscardOnClose = 16 * 1024;

    private readonly EpollEventLoop _loop;
    private readonly Action? _onClosed;
    private readonly Lock _lock = new();
    private readonly Reader _reader;
    private readonly Writer _writer;
    private int _fd;
    private bool _closed;
    private System.Net.IPEndPoint? _localEndPoint;
    private TaskCompletionSource? _lingering;
    private bool _peerFinished;

    /// <summary>Wraps the connected, non-blocking socket <paramref name="fd"/>, which the connection now owns.</summary>
    /// <param name="fd">The socket.</param>
    /// <param name="loop">The loop that watches it.</param>
    /// <param name="runContinuationsAsynchronously">Whether code awaiting a read or a flush continues on the thread pool rather than on the loop's thread.</param>
    /// <param name="onClosed">Called once the descriptor is closed.</param>
    public EpollConnection(int fd, EpollEventLoop loop, bool runContinuationsAsynchronously, Action? onClosed = null)
    {
        _fd = fd;
        _loop = loop;
        _onClosed = onClosed;
        _reader = new Reader(this, runContinuationsAsynchronously);
        _writer = new Writer(this, runContinuationsAsynchronously);
    }

    public PipeReader Input => _reader;

    /// <summary>What the server keeps about the connection (its call), for saying which call blocks a loop.</summary>
    public object? Owner { get; set; }

    /// <summary>The most bytes the reader buffers before it ends the stream: above what the parsers accept, so that they report the limit first.</summary>
    public int MaxReceiveBuffer { get; init; } = DefaultMaxReceiveBuffer;

    public System.Net.IPEndPoint? RemoteEndPoint { get; init; }

    public System.Net.IPEndPoint? LocalEndPoint
    {
        get
        {
            lock (_lock)
            {
                return _localEndPoint ??= _closed ? null : Libc.LocalEndPoint(_fd);
            }
        }
    }

    public PipeWriter Output => _writer;

    /// <summary>Starts watching the socket.</summary>
    public void Start() => _loop.Register(_fd, this, Events);

    public void OnReady(uint events)
    {
        if (Volatile.Read(ref _lingering) is not null)
        {
            // Closing: what arrives now is only to be dropped until the peer closes too.
            if ((events & (Libc.EPOLLIN | Libc.EPOLLRDHUP | Libc.EPOLLHUP | Libc.EPOLLERR)) != 0 && DiscardUntilEnd())
            {
                Abort();
            }

            return;
        }

        // Hang-up and error events wake both sides: the read sees the end of the stream, the write its error.
        if ((events & (Libc.EPOLLIN | Libc.EPOLLRDHUP | Libc.EPOLLHUP | Libc.EPOLLERR)) != 0)
        {
            _reader.OnReadable(peerClosed: (events & (Libc.EPOLLRDHUP | Libc.EPOLLHUP | Libc.EPOLLERR)) != 0);
        }

        if ((events & (Libc.EPOLLOUT | Libc.EPOLLHUP | Libc.EPOLLERR)) != 0)
        {
            _writer.OnWritable();
        }
    }

    /// <summary>Closes the socket at once: a pending read ends as completed, a pending flush as completed, and later ones likewise.</summary>
    public void Abort()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;

            // Out of the table before the number is freed: the kernel may hand it to the next accepted call at once.
            _loop.Unregister(_fd, this);
            if (!_peerFinished)
            {
                DiscardUnread();
            }

            Libc.Close(_fd);
            _fd = -1;
        }

        _reader.OnClosed();
        _writer.OnClosed();
        Volatile.Read(ref _lingering)?.TrySetResult();

        _onClosed?.Invoke();
    }

    /// <summary>Reads and drops what has arrived; true when the peer has closed (or the socket failed, or it sent too much), so the close can finish.</summary>
    private bool DiscardUntilEnd()
    {
        byte* scratch = stackalloc byte[512];
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            for (int discarded = 0; discarded < MaxDiscardOnClose;)
            {
                nint received = Libc.Recv(_fd, scratch, 512, 0);
                if (received > 0)
                {
                    discarded += (int)received;
                    continue;
                }

                _peerFinished = received == 0;
                return received == 0 || LastError() is not (Libc.EAGAIN or Libc.EINTR);
            }

            return true;
        }
    }

    /// <summary>
    /// Ends the connection the way TCP means it to end: sends FIN, reads and drops what the peer still sends (Asterisk answers
    /// the FIN with one more <c>HANGUP</c> line, then closes) until the peer closes too or <paramref name="linger"/> has passed,
    /// then closes. A socket closed with bytes of the peer's unread would send a reset instead.
    /// </summary>
    /// <remarks>
    /// The socket stays in the epoll set, so the peer's bytes and FIN arrive as events, read in the same batch as other calls'
    /// under load; the loop's sweep only closes those whose linger is over. Bytes that came before the FIN was sent, and whose
    /// edge the reader took, are read at once.
    /// </remarks>
    public Task CloseAsync(TimeSpan linger)
    {
        TaskCompletionSource closing;
        bool unread;
        lock (_lock)
        {
            if (_closed)
            {
                return Task.CompletedTask;
            }

            if (_lingering is { } already)
            {
                return already.Task;
            }

            // The server's bookkeeping after the close is short: it may run on the sweep's thread.
            closing = new TaskCompletionSource();
            Volatile.Write(ref _lingering, closing);
            Libc.Shutdown(_fd, Libc.SHUT_WR);
            unread = _reader.MayHoldBytes;
        }

        if (unread && DiscardUntilEnd())
        {
            Abort();
            return closing.Task;
        }

        _loop.Linger(this, linger);
        return closing.Task;
    }

    /// <summary>From the loop's linger sweep: closes the connection once its linger is over; true once closed.</summary>
    public bool CheckLinger(bool expired)
    {
        if (Volatile.Read(ref _closed))
        {
            return true;
        }

        if (expired)
        {
            Abort();
            return true;
        }

        return false;
    }

    public ValueTask DisposeAsync()
    {
        Abort();
        _reader.Complete();
        _writer.Complete();
        return default;
    }

    private static int LastError() => Marshal.GetLastPInvokeError();

    /// <summary>
    /// Reads and drops what the peer sent that nobody will read, typically Asterisk's <c>HANGUP</c> line after the last reply:
    /// closing a socket with unread bytes sends a reset instead of a FIN. Bounded, so a flooding peer cannot hold the close.
    /// </summary>
    private void DiscardUnread()
    {
        byte* scratch = stackalloc byte[512];
        for (int discarded = 0; discarded < MaxDiscardOnClose;)
        {
            nint received = Libc.Recv(_fd, scratch, 512, 0);
            if (received <= 0)
            {
                return;
            }

            discarded += (int)received;
        }
    }

    private sealed class Reader(EpollConnection connection, bool runContinuationsAsynchronously) : PipeReader, IValueTaskSource<ReadResult>
    {
        private ManualResetValueTaskSourceCore<ReadResult> _core = new() { RunContinuationsAsynchronously = runContinuationsAsynchronously };
        private byte[]? _buffer;
        private int _start;
        private int _end;
        private int _examined;

        // Edge-triggered: true from an event until a recv finds the socket drained.
        private bool _readable = true;

        // The peer has closed (or the socket failed): no edge will follow the last bytes, so read on until recv says so.
        private bool _peerClosed;
        private bool _ended;
        private bool _pending;
        private bool _cancelNext;
        private bool _completed;
        private CancellationTokenRegistration _registration;

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            short version;
            lock (connection._lock)
            {
                ObjectDisposedException.ThrowIf(_completed, this);
                if (_pending)
                {
                    throw new InvalidOperationException("A read is already pending.");
                }

                if (TryReadLocked(out ReadResult result))
                {
                    return new ValueTask<ReadResult>(result);
                }

                if (_start == _end && _buffer is not null)
                {
                    // Nothing buffered: an idle call holds no receive buffer.
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = null;
                    _start = _end = _examined = 0;
                }

                _core.Reset();
                _pending = true;
                version = _core.Version;
            }

            if (cancellationToken.CanBeCanceled)
            {
                // Rare (the handler's reads pass no token), so the state may allocate; the version keeps a late callback
                // from cancelling a later read.
                _registration = cancellationToken.UnsafeRegister(
                    static (state, token) => { var (reader, version) = ((Reader, short))state!; reader.CancelFromToken(version, token); },
                    (this, version));
            }

            return new ValueTask<ReadResult>(this, version);
        }

        public override bool TryRead(out ReadResult result)
        {
            lock (connection._lock)
            {
                ObjectDisposedException.ThrowIf(_completed, this);
                if (_pending)
                {
                    throw new InvalidOperationException("A read is already pending.");
                }

                return TryReadLocked(out result);
            }
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            lock (connection._lock)
            {
                int consumedIndex = IndexOf(consumed);
                int examinedIndex = IndexOf(examined);
                if (consumedIndex < _start || examinedIndex < consumedIndex || examinedIndex > _end)
                {
                    throw new InvalidOperationException("The positions passed to AdvanceTo are not within the last buffer read.");
                }

                _start = consumedIndex;
                _examined = examinedIndex;
                if (_start == _end)
                {
                    _start = _end = _examined = 0;
                }
            }
        }

        public override void CancelPendingRead()
        {
            ReadResult result;
            lock (connection._lock)
            {
                if (!_pending)
                {
                    _cancelNext = true;
                    return;
                }

                _pending = false;
                result = new ReadResult(Buffered(), isCanceled: true, isCompleted: false);
            }

            Finish(result);
        }

        public override void Complete(Exception? exception = null)
        {
            lock (connection._lock)
            {
                _completed = true;
                if (!_pending && _buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = null;
                    _start = _end = _examined = 0;
                }
            }
        }

        public ReadResult GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);

        /// <summary>On the loop's thread: the socket may have bytes or have ended.</summary>
        /// <summary>Whether the socket may hold bytes no edge will announce again: an edge came and no recv has drained it since, or the peer has closed (under the connection's lock).</summary>
        public bool MayHoldBytes => _readable || _peerClosed;

        public void OnReadable(bool peerClosed)
        {
            ReadResult result;
            lock (connection._lock)
            {
                _readable = true;
                _peerClosed |= peerClosed;
                if (!_pending || !TryReadLocked(out result))
                {
                    return;
                }

                _pending = false;
            }

            Finish(result);
        }

        /// <summary>The socket is closed: a pending read ends with what is buffered, marked completed.</summary>
        public void OnClosed()
        {
            ReadResult result;
            lock (connection._lock)
            {
                _ended = true;
                if (!_pending)
                {
                    return;
                }

                _pending = false;
                result = new ReadResult(Buffered(), isCanceled: false, isCompleted: true);
            }

            Finish(result);
        }

        private void CancelFromToken(short version, CancellationToken token)
        {
            lock (connection._lock)
            {
                if (!_pending || _core.Version != version)
                {
                    return;
                }

                _pending = false;
            }

            _core.SetException(new OperationCanceledException(token));
        }

        private void Finish(ReadResult result)
        {
            CancellationTokenRegistration registration = _registration;
            _registration = default;
            registration.Dispose();
            _core.SetResult(result);
        }

        private bool TryReadLocked(out ReadResult result)
        {
            if (_cancelNext)
            {
                _cancelNext = false;
                result = new ReadResult(Buffered(), isCanceled: true, isCompleted: _ended);
                return true;
            }

            if (_end > _examined || _ended)
            {
                result = new ReadResult(Buffered(), isCanceled: false, isCompleted: _ended);
                return true;
            }

            if (_readable && Receive())
            {
                result = new ReadResult(Buffered(), isCanceled: false, isCompleted: _ended);
                return true;
            }

            result = default;
            return false;
        }

        /// <summary>One <c>recv</c> into the free end of the buffer; true when it brought bytes or the end of the stream.</summary>
        private bool Receive()
        {
            if (connection._closed)
            {
                _ended = true;
                return true;
            }

            if (!MakeRoom())
            {
                // A peer that sends a megabyte the parser cannot place is not Asterisk: end the stream.
                _ended = true;
                return true;
            }

            int room = _buffer!.Length - _end;
            while (true)
            {
                nint received;
                fixed (byte* free = &_buffer[_end])
                {
                    received = Libc.Recv(connection._fd, free, room, 0);
                }

                if (received > 0)
                {
                    _end += (int)received;

                    // A short read drained the socket; the next bytes raise a new edge. The end of the stream raises none
                    // if it came with the bytes just read.
                    _readable = received == room || _peerClosed;
                    return true;
                }

                if (received == 0)
                {
                    _ended = true;
                    return true;
                }

                int errno = LastError();
                if (errno == Libc.EINTR)
                {
                    continue;
                }

                if (errno == Libc.EAGAIN)
                {
                    _readable = false;
                    return false;
                }

                // A reset or another socket error: to the reader, the stream has ended.
                _ended = true;
                return true;
            }
        }

        private bool MakeRoom()
        {
            if (_buffer is null)
            {
                _buffer = ArrayPool<byte>.Shared.Rent(ReceiveSize);
                return true;
            }

            if (_end < _buffer.Length)
            {
                return true;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _examined -= _start;
                _start = 0;
                return true;
            }

            if (_buffer.Length >= connection.MaxReceiveBuffer)
            {
                return false;
            }

            byte[] larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
            return true;
        }

        private ReadOnlySequence<byte> Buffered()
            => _buffer is null ? default : new ReadOnlySequence<byte>(_buffer, _start, _end - _start);

        private int IndexOf(SequencePosition position)
        {
            object? segment = position.GetObject();
            if (segment is null || _buffer is null || segment is byte[] { Length: 0 })
            {
                return _start;
            }

            if (!ReferenceEquals(segment, _buffer))
            {
                throw new InvalidOperationException("The position passed to AdvanceTo is not from the last buffer read.");
            }

            return position.GetInteger();
        }
    }

    private sealed class Writer(EpollConnection connection, bool runContinuationsAsynchronously) : PipeWriter, IValueTaskSource<FlushResult>
    {
        private ManualResetValueTaskSourceCore<FlushResult> _core = new() { RunContinuationsAsynchronously = runContinuationsAsynchronously };
        private byte[]? _buffer;
        private int _written;
        private int _sent;
        private bool _pending;
        private bool _failed;
        private bool _cancelNext;
        private bool _completed;

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            int offset = Reserve(sizeHint);
            return _buffer.AsMemory(offset);
        }

        public override Span<byte> GetSpan(int sizeHint = 0)
        {
            int offset = Reserve(sizeHint);
            return _buffer.AsSpan(offset);
        }

        public override void Advance(int bytes)
        {
            if ((uint)bytes > (uint)((_buffer?.Length ?? 0) - _written))
            {
                throw new ArgumentOutOfRangeException(nameof(bytes), "Advanced past the memory handed out.");
            }

            _written += bytes;
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            short version;
            lock (connection._lock)
            {
                if (_cancelNext)
                {
                    _cancelNext = false;
                    return new ValueTask<FlushResult>(new FlushResult(isCanceled: true, isCompleted: false));
                }

                if (_pending)
                {
                    throw new InvalidOperationException("A flush is already pending.");
                }

                if (SendLocked())
                {
                    return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: _failed));
                }

                _core.Reset();
                _pending = true;
                version = _core.Version;
            }

            return new ValueTask<FlushResult>(this, version);
        }

        public override void CancelPendingFlush()
        {
            lock (connection._lock)
            {
                if (!_pending)
                {
                    _cancelNext = true;
                    return;
                }

                _pending = false;
            }

            _core.SetResult(new FlushResult(isCanceled: true, isCompleted: false));
        }

        public override void Complete(Exception? exception = null)
        {
            lock (connection._lock)
            {
                _completed = true;
                if (!_pending)
                {
                    Release();
                }
            }
        }

        public FlushResult GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);

        /// <summary>On the loop's thread: the socket may take more bytes.</summary>
        public void OnWritable()
        {
            lock (connection._lock)
            {
                if (!_pending || !SendLocked())
                {
                    return;
                }

                _pending = false;
            }

            _core.SetResult(new FlushResult(isCanceled: false, isCompleted: _failed));
        }

        public void OnClosed()
        {
            lock (connection._lock)
            {
                _failed = true;
                if (!_pending)
                {
                    return;
                }

                _pending = false;
            }

            _core.SetResult(new FlushResult(isCanceled: false, isCompleted: true));
        }

        private int Reserve(int sizeHint)
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            if (_pending)
            {
                throw new InvalidOperationException("Cannot write while a flush is pending.");
            }

            int needed = Math.Max(sizeHint, 1);
            if (_buffer is null)
            {
                _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(needed, SendSize));
            }
            else if (_buffer.Length - _written < needed)
            {
                byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_written + needed, _buffer.Length * 2));
                Buffer.BlockCopy(_buffer, 0, larger, 0, _written);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            return _written;
        }

        /// <summary>Sends what is buffered; true when done (all sent, or the socket failed), false when the socket is full.</summary>
        private bool SendLocked()
        {
            while (_sent < _written && !_failed)
            {
                if (connection._closed)
                {
                    _failed = true;
                    break;
                }

                nint sent;
                fixed (byte* start = &_buffer![_sent])
                {
                    sent = Libc.Send(connection._fd, start, _written - _sent, Libc.MSG_NOSIGNAL);
                }

                if (sent >= 0)
                {
                    _sent += (int)sent;
                    continue;
                }

                int errno = LastError();
                if (errno == Libc.EINTR)
                {
                    continue;
                }

                if (errno == Libc.EAGAIN)
                {
                    return false;
                }

                _failed = true;
            }

            Release();
            return true;
        }

        private void Release()
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }

            _written = _sent = 0;
        }
    }
}
