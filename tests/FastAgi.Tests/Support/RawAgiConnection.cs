using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace FastAgi.Tests.Support;

/// <summary>
/// A raw TCP connection to the server, for what no Asterisk sends and <see cref="FastAgi.Testing.FakeAsterisk"/> therefore
/// cannot: garbage or half an environment block, a HANGUP in the same segment as the environment, a close in the middle of
/// a command, connections that say nothing. Every read is bounded, so a server that hangs fails the test with a message.
/// </summary>
public sealed class RawAgiConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _readBuffer = new byte[16 * 1024];
    private readonly List<byte> _unread = [];

    private RawAgiConnection(Socket socket) => _socket = socket;

    /// <summary>Connects to the server at <paramref name="endpoint"/>, from <paramref name="from"/> when given (another loopback address, such as 127.0.0.2).</summary>
    public static async Task<RawAgiConnection> ConnectAsync(IPEndPoint endpoint, IPAddress? from = null)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (from is not null)
            {
                socket.Bind(new IPEndPoint(from, 0));
            }

            await socket.ConnectAsync(endpoint).WaitOrFail($"a TCP connection to {endpoint}");
            return new RawAgiConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) in one write.</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Writes <paramref name="bytes"/> in one write.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int sent = await _socket.SendAsync(bytes, SocketFlags.None).AsTask().WaitOrFail("sending to the server");
            bytes = bytes[sent..];
        }
    }

    /// <summary>Reads exactly the bytes of <paramref name="expected"/> (UTF-8) and fails unless they are equal.</summary>
    public async Task ExpectAsync(string expected)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(expected);
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        while (_unread.Count < bytes.Length)
        {
            if (await ReceiveAsync(cts, $"'{expected}'") == 0)
            {
                throw new InvalidOperationException($"The server closed the connection while the test expected '{expected}'.");
            }
        }

        byte[] actual = [.. _unread.GetRange(0, bytes.Length)];
        Assert.True(bytes.AsSpan().SequenceEqual(actual), $"The server sent '{Encoding.UTF8.GetString(actual)}' where the test expected '{expected}'.");
        _unread.RemoveRange(0, bytes.Length);
    }

    /// <summary>Fails unless the server closes the connection without sending anything more.</summary>
    /// <param name="allowReset">Accept a reset as a close: right for a peer that closes with bytes of ours still unread.</param>
    public async Task ExpectClosedAsync(bool allowReset = false)
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        try
        {
            while (await ReceiveAsync(cts, "the server to close the connection") > 0)
            {
            }
        }
        catch (SocketException ex) when (allowReset && ex.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        Assert.True(_unread.Count == 0, $"The server sent '{Encoding.UTF8.GetString([.. _unread])}' where the test expected it to close the connection.");

        // As Asterisk does on reading the end of the stream: close this side too, so the server's close ends without waiting.
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // Reset already.
        }
    }

    /// <summary>Reads to the end of the stream; true when it ended with a reset rather than a FIN.</summary>
    public async Task<bool> ReadToEndOrResetAsync()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        try
        {
            while (await ReceiveAsync(cts, "the server to close the connection") > 0)
            {
            }

            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    /// <summary>The error the socket holds (a reset the peer sent since the last call), cleared by reading it.</summary>
    public SocketError PendingError() => (SocketError)(int)_socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;

    /// <summary>Half-closes the connection: the server reads end of stream.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<int> ReceiveAsync(CancellationTokenSource cts, string what)
    {
        int read;
        try
        {
            read = await _socket.ReceiveAsync(_readBuffer, SocketFlags.None, cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out after {TestTimeouts.Default.TotalSeconds:0.#} s waiting for {what}; unread: '{Encoding.UTF8.GetString([.. _unread])}'.");
        }

        _unread.AddRange(_readBuffer.AsSpan(0, read));
        return read;
    }
}
