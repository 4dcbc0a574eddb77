using System.Net;
using System.Net.Sockets;

namespace FastAgi.Cli.Tests;

/// <summary>Asterisk's side of a call to the demo <c>hello</c> script, held at its first prompt until <see cref="FinishAsync"/>.</summary>
internal sealed class HelloCall : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly Socket _socket;
    private readonly LineReader _reader;

    private HelloCall(Socket socket)
    {
        _socket = socket;
        _reader = new LineReader(socket);
    }

    public static async Task<HelloCall> StartAsync(IPEndPoint endpoint, string uniqueId)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint).WaitAsync(Timeout);
        return await StartAsync(socket, uniqueId);
    }

    /// <summary>Starts the call on a socket already connected to the server, which the call then owns.</summary>
    public static async Task<HelloCall> StartAsync(Socket socket, string uniqueId)
    {
        var call = new HelloCall(socket);
        await call.SendAsync($"agi_network: yes\nagi_network_script: hello\nagi_request: agi://127.0.0.1/hello\nagi_uniqueid: {uniqueId}\n\n");
        Assert.Equal("STREAM FILE hello-world #\n", await call._reader.ReadLineAsync().WaitAsync(Timeout));
        return call;
    }

    public async Task FinishAsync()
    {
        await SendAsync("200 result=0 endpos=8000\n");
        for (int i = 0; i < 2; i++)
        {
            Assert.StartsWith("STREAM FILE", await _reader.ReadLineAsync().WaitAsync(Timeout), StringComparison.Ordinal);
            await SendAsync("200 result=0 endpos=8000\n");
        }

        Assert.Equal("HANGUP\n", await _reader.ReadLineAsync().WaitAsync(Timeout));
        await SendAsync("200 result=1\nHANGUP\n");
        Assert.Null(await _reader.ReadLineAsync().WaitAsync(Timeout));
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task SendAsync(string text) => await _socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(text)).WaitAsync(Timeout);
}
