using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace FastAgi.Server;

/// <summary>A connected TCP socket seen as a pair of pipes.</summary>
internal sealed class SocketTransport : IAgiConnection
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    public SocketTransport(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint;
        LocalEndPoint = socket.LocalEndPoint as IPEndPoint;

        // A pending read holds a 2 KiB buffer: enough for Asterisk's environment block and any reply in one or two reads,
        // small enough for thousands of idle calls; zero-byte reads would save it at the price of a second recv per read.
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 2048, minimumReadSize: 512, leaveOpen: true, useZeroByteReads: false));
        Output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 512, leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public IPEndPoint? RemoteEndPoint { get; }

    public IPEndPoint? LocalEndPoint { get; }

    /// <summary>Closes the socket at once: any pending read or write ends, which the session reports as a hangup.</summary>
    public void Abort() => _socket.Dispose();

    public async Task CloseAsync(TimeSpan linger)
    {
        byte[] scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(512);
        try
        {
            // FIN first; Asterisk answers it with one more HANGUP line and its own FIN, which are read and dropped so that
            // the close is not a reset.
            _socket.Shutdown(SocketShutdown.Send);
            using var lingering = new CancellationTokenSource(linger);
            for (int discarded = 0; discarded < 16 * 1024;)
            {
                int received = await _socket.ReceiveAsync(scratch, SocketFlags.None, lingering.Token).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }

                discarded += received;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Reset, closed already, or the peer kept the connection open past the linger: close all the same.
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
            _socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}
