using System.Net;
using System.Net.Sockets;
using System.Text;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FastAgi.Cli.Tests;

public sealed class ServeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Listen_option_becomes_the_FastAgi_Listen_setting()
    {
        Assert.Equal(["--FastAgi:Listen=127.0.0.1:4573"], CommandLine.TranslateServeOptions(["--listen", "127.0.0.1:4573"]));
        Assert.Equal(["--FastAgi:Listen=[::]:4573"], CommandLine.TranslateServeOptions(["--listen=[::]:4573"]));
        Assert.Equal(["--Logging:LogLevel:Default=Debug"], CommandLine.TranslateServeOptions(["--Logging:LogLevel:Default=Debug"]));
        Assert.Throws<ArgumentException>(() => CommandLine.TranslateServeOptions(["--listen"]));
    }

    [Fact]
    public async Task Unknown_command_exits_non_zero()
    {
        Assert.Equal(1, await CommandLine.RunAsync(["frobnicate"]));
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("bench/seed")]
    public async Task Hello_plays_the_three_prompts_then_hangs_up_and_closes(string script)
    {
        using IHost host = CommandLine.BuildServeHost(["--FastAgi:Listen=127.0.0.1:0"]);
        await host.StartAsync().WaitAsync(Timeout);
        try
        {
            IPEndPoint endpoint = host.Services.GetRequiredService<AgiServer>().Endpoints[0];
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(endpoint).WaitAsync(Timeout);
            await SendAsync(client, $"agi_network: yes\nagi_network_script: {script}\nagi_request: agi://127.0.0.1/{script}\nagi_uniqueid: 1.1\n\n");

            string[] expected =
            [
                "STREAM FILE hello-world #\n",
                "STREAM FILE tt-monkeys #\n",
                "STREAM FILE goodbye #\n",
                "HANGUP\n",
            ];
            var reader = new LineReader(client);
            foreach (string command in expected)
            {
                Assert.Equal(command, await reader.ReadLineAsync().WaitAsync(Timeout));
                await SendAsync(client, command.StartsWith("HANGUP", StringComparison.Ordinal) ? "200 result=1\nHANGUP\n" : "200 result=0 endpos=8000\n");
            }

            Assert.Null(await reader.ReadLineAsync().WaitAsync(Timeout));
        }
        finally
        {
            await host.StopAsync().WaitAsync(Timeout);
        }
    }

    [Fact]
    public async Task Chatty_reads_the_variable_1000_times_then_hangs_up()
    {
        using IHost host = CommandLine.BuildServeHost(["--FastAgi:Listen=127.0.0.1:0"]);
        await host.StartAsync().WaitAsync(Timeout);
        try
        {
            IPEndPoint endpoint = host.Services.GetRequiredService<AgiServer>().Endpoints[0];
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(endpoint).WaitAsync(Timeout);
            await SendAsync(client, "agi_network: yes\nagi_network_script: bench/chatty\n\n");
            var reader = new LineReader(client);
            for (int i = 0; i < 1000; i++)
            {
                Assert.Equal("GET VARIABLE V\n", await reader.ReadLineAsync().WaitAsync(Timeout));
                await SendAsync(client, "200 result=1 (x)\n");
            }

            Assert.Equal("HANGUP\n", await reader.ReadLineAsync().WaitAsync(Timeout));
            await SendAsync(client, "200 result=1\n");
            Assert.Null(await reader.ReadLineAsync().WaitAsync(Timeout));
        }
        finally
        {
            await host.StopAsync().WaitAsync(Timeout);
        }
    }

    private static async Task SendAsync(Socket socket, string text) => await socket.SendAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Reads LF-terminated lines from a socket; null at end of stream.</summary>
    private sealed class LineReader(Socket socket)
    {
        private readonly List<byte> _pending = [];
        private readonly byte[] _buffer = new byte[4096];

        public async Task<string?> ReadLineAsync()
        {
            while (true)
            {
                int newline = _pending.IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    string line = Encoding.UTF8.GetString([.. _pending.GetRange(0, newline + 1)]);
                    _pending.RemoveRange(0, newline + 1);
                    return line;
                }

                int read;
                try
                {
                    read = await socket.ReceiveAsync(_buffer);
                }
                catch (SocketException)
                {
                    read = 0;
                }

                if (read == 0)
                {
                    return null;
                }

                _pending.AddRange(_buffer.AsSpan(0, read));
            }
        }
    }
}
