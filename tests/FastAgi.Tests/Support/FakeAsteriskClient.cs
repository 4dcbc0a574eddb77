using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastAgi.Tests.Support;

/// <summary>
/// The Asterisk side of one FastAGI connection over loopback TCP: it writes what Asterisk writes and checks, byte for byte,
/// what the server sends back. Every read is bounded, so a server that hangs fails the test with a message.
/// </summary>
/// <remarks>Like Asterisk's <c>setup_env()</c>, it writes the environment one line per write; unlike Asterisk it sets TCP_NODELAY, so writes leave at once.</remarks>
public sealed class FakeAsteriskClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _readBuffer = new byte[16 * 1024];
    private readonly List<byte> _unread = [];
    private readonly List<byte> _received = [];

    private FakeAsteriskClient(Socket socket) => _socket = socket;

    /// <summary>Everything the server has sent so far, for messages.</summary>
    public string Received => Escape(_received.ToArray());

    /// <summary>Connects to the server at <paramref name="endpoint"/>.</summary>
    public static async Task<FakeAsteriskClient> ConnectAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint).WaitOrFail($"a TCP connection to {endpoint}");
            return new FakeAsteriskClient(socket);
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
            int sent = await _socket.SendAsync(bytes, SocketFlags.None).AsTask().WaitOrFail($"sending '{Escape(bytes.Span)}'");
            bytes = bytes[sent..];
        }
    }

    /// <summary>Sends an environment block for <paramref name="script"/>, one line per write, as Asterisk does.</summary>
    public async Task SendEnvironmentAsync(string? script, string uniqueId, params string[] arguments)
    {
        foreach (string line in FakeAsteriskEnvironment.Lines(script, uniqueId, arguments))
        {
            await SendAsync(line);
        }
    }

    /// <summary>Reads exactly the bytes of <paramref name="expected"/> (UTF-8) and fails unless they are equal.</summary>
    public Task ExpectAsync(string expected, TimeSpan? timeout = null) => ExpectAsync(Encoding.UTF8.GetBytes(expected), timeout);

    /// <summary>Reads exactly <paramref name="expected"/>.Length bytes and fails unless they are equal, byte for byte.</summary>
    public async Task ExpectAsync(ReadOnlyMemory<byte> expected, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? TestTimeouts.Default;
        using var cts = new CancellationTokenSource(limit);
        while (_unread.Count < expected.Length)
        {
            int read = await ReceiveAsync(cts, limit, $"'{Escape(expected.Span)}'");
            if (read == 0)
            {
                throw new InvalidOperationException(
                    $"The server closed the connection while the fake Asterisk expected '{Escape(expected.Span)}'; it had sent '{Received}'.");
            }
        }

        byte[] actual = [.. _unread.GetRange(0, expected.Length)];
        if (!expected.Span.SequenceEqual(actual))
        {
            throw new InvalidOperationException(
                $"The server sent '{Escape(actual)}' where the fake Asterisk expected '{Escape(expected.Span)}' (everything it sent: '{Received}').");
        }

        _unread.RemoveRange(0, expected.Length);
    }

    /// <summary>Expects the command line <paramref name="command"/>, then writes <paramref name="reply"/>.</summary>
    public async Task ExpectAndReplyAsync(string command, string reply)
    {
        await ExpectAsync(command);
        await SendAsync(reply);
    }

    /// <summary>Reads one line, LF included.</summary>
    public async Task<string> ReadLineAsync(TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? TestTimeouts.Default;
        using var cts = new CancellationTokenSource(limit);
        while (true)
        {
            int newline = _unread.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                byte[] line = [.. _unread.GetRange(0, newline + 1)];
                _unread.RemoveRange(0, newline + 1);
                return Encoding.UTF8.GetString(line);
            }

            if (await ReceiveAsync(cts, limit, "a line") == 0)
            {
                throw new InvalidOperationException($"The server closed the connection while the fake Asterisk waited for a line; it had sent '{Received}'.");
            }
        }
    }

    /// <summary>Fails unless the server closes the connection (a read returns 0) without sending anything more.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="allowReset">Accept a reset as a close: right for a peer that closes with bytes of ours still unread.</param>
    public async Task ExpectClosedAsync(TimeSpan? timeout = null, bool allowReset = false)
    {
        byte[] rest = await ReadToEndAsync(timeout, allowReset);
        if (rest.Length > 0)
        {
            throw new InvalidOperationException($"The server sent '{Escape(rest)}' where the fake Asterisk expected it to close the connection.");
        }
    }

    /// <summary>Reads until the server closes the connection and returns what arrived.</summary>
    public async Task<byte[]> ReadToEndAsync(TimeSpan? timeout = null, bool allowReset = false)
    {
        TimeSpan limit = timeout ?? TestTimeouts.Default;
        using var cts = new CancellationTokenSource(limit);
        try
        {
            while (await ReceiveAsync(cts, limit, "the server to close the connection") > 0)
            {
            }
        }
        catch (SocketException ex) when (allowReset && ex.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        byte[] rest = [.. _unread];
        _unread.Clear();
        return rest;
    }

    /// <summary>
    /// Fails if the server sends anything (or closes) within <paramref name="window"/>. A negative check needs a window:
    /// it is used only where the server must stay silent, and a server that wrongly writes does so within microseconds on loopback.
    /// </summary>
    public async Task AssertSilentAsync(TimeSpan window, string because)
    {
        if (_unread.Count > 0)
        {
            throw new InvalidOperationException($"The server sent '{Escape(_unread.ToArray())}' but should not have: {because}.");
        }

        bool readable = await Task.Run(() => _socket.Poll(window, SelectMode.SelectRead)).WaitOrFail("polling the socket");
        if (readable)
        {
            int read = _socket.Available > 0 ? await _socket.ReceiveAsync(_readBuffer, SocketFlags.None) : 0;
            string what = read == 0 ? "closed the connection" : $"sent '{Escape(_readBuffer.AsSpan(0, read))}'";
            throw new InvalidOperationException($"The server {what} but should not have: {because}.");
        }
    }

    /// <summary>Half-closes the connection, as Asterisk does when it leaves the AGI loop (AGIEXITONHANGUP): the server reads EOF.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Shows bytes as text with control characters escaped, for failure messages.</summary>
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            _ = b switch
            {
                (byte)'\n' => builder.Append("\\n"),
                (byte)'\r' => builder.Append("\\r"),
                (byte)'\t' => builder.Append("\\t"),
                (byte)'\\' => builder.Append("\\\\"),
                >= 0x20 and < 0x7f => builder.Append((char)b),
                _ => builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{b:x2}"),
            };
        }

        return builder.ToString();
    }

    private async Task<int> ReceiveAsync(CancellationTokenSource cts, TimeSpan limit, string what)
    {
        int read;
        try
        {
            read = await _socket.ReceiveAsync(_readBuffer, SocketFlags.None, cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}; the server had sent '{Received}', of which '{Escape(_unread.ToArray())}' is unmatched.");
        }

        for (int i = 0; i < read; i++)
        {
            _unread.Add(_readBuffer[i]);
            _received.Add(_readBuffer[i]);
        }

        return read;
    }
}
