using System.Buffers;
using System.IO.Pipelines;

namespace FastAgi.Testing;

/// <summary>The fake Asterisk's end of a connection: reads the server's command lines and writes replies, one write per line.</summary>
internal sealed class ServerConnection(IDuplexPipe transport, Func<ValueTask>? onOutputClosed)
{
    /// <summary>run_agi() reads with fgets() into char buf[8192]: 8191 bytes with the LF; a longer line is cut into two commands.</summary>
    public const int MaxLineLength = Engine.AsteriskTokenizer.LineBufferLength - 2;

    private bool _outputClosed;

    public enum LineKind
    {
        Line,
        EndOfStream,
        Reset,
        PartialAtEnd,
        TooLong,
    }

    /// <summary>Reads the next line (without its LF), and whether bytes after it had already arrived.</summary>
    public async ValueTask<(LineKind Kind, byte[] Bytes, bool MoreBuffered)> ReadLineAsync(CancellationToken cancellationToken)
    {
        PipeReader input = transport.Input;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsReset(ex))
            {
                // The server closed its socket with our bytes unread. run_agi() sees a read error and ends the session as on a close.
                return (LineKind.Reset, [], false);
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition? lineFeed = buffer.PositionOf((byte)'\n');
            if (lineFeed is { } position)
            {
                byte[] line = buffer.Slice(0, position).ToArray();
                SequencePosition next = buffer.GetPosition(1, position);
                bool more = !buffer.Slice(next).IsEmpty;
                input.AdvanceTo(next);
                return (line.Length > MaxLineLength ? LineKind.TooLong : LineKind.Line, line, more);
            }

            if (buffer.Length > MaxLineLength)
            {
                byte[] head = buffer.Slice(0, MaxLineLength + 1).ToArray();
                input.AdvanceTo(buffer.End);
                return (LineKind.TooLong, head, false);
            }

            if (result.IsCompleted)
            {
                byte[] rest = buffer.ToArray();
                input.AdvanceTo(buffer.End);
                return (rest.Length == 0 ? LineKind.EndOfStream : LineKind.PartialAtEnd, rest, false);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Whether the server has already sent bytes that were not read yet.</summary>
    public bool HasUnreadInput()
    {
        if (!transport.Input.TryRead(out ReadResult result))
        {
            return false;
        }

        bool any = !result.Buffer.IsEmpty;
        transport.Input.AdvanceTo(result.Buffer.Start, result.Buffer.Start);
        return any;
    }

    /// <summary>Listens for <paramref name="window"/>: <see langword="true"/> as soon as a byte from the server is there (it stays unread).</summary>
    public async ValueTask<bool> InputArrivesWithinAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        quiet.CancelAfter(window);
        try
        {
            ReadResult result = await transport.Input.ReadAsync(quiet.Token).ConfigureAwait(false);
            bool any = !result.Buffer.IsEmpty;
            transport.Input.AdvanceTo(result.Buffer.Start, result.Buffer.Start);
            return any;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex) when (IsReset(ex))
        {
            // The next read reports the reset.
            return false;
        }
    }

    /// <summary>Writes one chunk and flushes it, as Asterisk's one write() per line; returns <see langword="false"/> when the server no longer reads.</summary>
    public async ValueTask<bool> WriteAsync(byte[] chunk, CancellationToken cancellationToken)
    {
        if (_outputClosed)
        {
            return false;
        }

        try
        {
            FlushResult flush = await transport.Output.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            return !flush.IsCompleted;
        }
        catch (Exception ex) when (IsReset(ex) || ex is IOException)
        {
            // The server has gone; the next read tells how (end of stream or reset).
            return false;
        }
    }

    /// <summary>Closes the fake's sending side: the server reads end of stream, as when Asterisk closes the socket.</summary>
    public async ValueTask CloseOutputAsync()
    {
        if (_outputClosed)
        {
            return;
        }

        _outputClosed = true;
        try
        {
            await transport.Output.CompleteAsync().ConfigureAwait(false);
            if (onOutputClosed is not null)
            {
                await onOutputClosed().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            // The connection is already gone: nothing left to close.
        }
    }

    private static bool IsReset(Exception ex)
        => (ex as System.Net.Sockets.SocketException ?? ex.InnerException as System.Net.Sockets.SocketException)?.SocketErrorCode
            is System.Net.Sockets.SocketError.ConnectionReset or System.Net.Sockets.SocketError.ConnectionAborted or System.Net.Sockets.SocketError.Shutdown;

    /// <summary>Stops reading.</summary>
    public ValueTask CloseInputAsync() => transport.Input.CompleteAsync();
}
