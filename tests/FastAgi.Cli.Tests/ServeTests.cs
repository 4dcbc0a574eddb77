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
    public void Unknown_serve_options_are_refused()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => CommandLine.TranslateServeOptions(["--lissten", "127.0.0.1:4573"]));
        Assert.Contains("'--lissten'", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CommandLine.TranslateServeOptions(["127.0.0.1:4573"]));
        Assert.Throws<ArgumentException>(() => CommandLine.TranslateServeOptions(["--listen", "--FastAgi:Backlog=10"]));
        Assert.Throws<ArgumentException>(() => CommandLine.TranslateServeOptions(["--verbose"]));
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("serve", "--lissten", "127.0.0.1:4573")]
    [InlineData("serve", "--listen")]
    [InlineData("serve", "--listen", "bogus")]
    [InlineData("serve", "--listen", "127.0.0.1:99999")]
    [InlineData("serve", "--FastAgi:ShutdownTimeout=soon")]
    [InlineData("serve", "--FastAgi:EnvironmentTimeout=-00:00:01")]
    [InlineData("serve", "--FastAgi:Transport=Carrier-pigeon")]
    public async Task Bad_commands_options_and_settings_exit_2_with_one_line_and_start_no_server(params string[] args)
    {
        (int exit, string output, string error) = await RunAsync(args);

        Assert.Equal(2, exit);
        string line = Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("fastagi", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve", "--help")]
    [InlineData("serve", "-h")]
    [InlineData("serve", "--listen", "127.0.0.1:4573", "--help")]
    [InlineData("--help")]
    [InlineData("help")]
    public async Task Help_prints_usage_and_exits_0_without_starting_a_server(params string[] args)
    {
        (int exit, string output, string error) = await RunAsync(args);

        Assert.Equal(0, exit);
        Assert.Contains("Usage", output, StringComparison.Ordinal);
        Assert.Empty(error);
    }

    [Fact]
    public async Task Version_prints_the_version()
    {
        (int exit, string output, _) = await RunAsync(["--version"]);

        Assert.Equal(0, exit);
        Assert.Matches(@"^fastagi \d+\.\d+\.\d+", output);
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_and_exit_1()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        int port = ((IPEndPoint)taken.LocalEndPoint!).Port;

        (int exit, _, string error) = await RunAsync(["serve", "--listen", $"127.0.0.1:{port}"]);

        Assert.Equal(1, exit);
        string line = Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Contains("already in use", line, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await CommandLine.RunAsync(args, output, error, TextReader.Null).WaitAsync(Timeout);
        return (exit, output.ToString(), error.ToString());
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
}
