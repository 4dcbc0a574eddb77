using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FastAgi.Cli.Tests;

/// <summary><c>fastagi call</c> end to end: against <c>fastagi serve</c>'s demo scripts in-process, and against misbehaving servers.</summary>
public sealed partial class CallTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Calling_hello_prints_the_conversation_and_exits_0()
    {
        (int exit, string output, string error) = await CallServeAsync("hello");

        Assert.True(exit == 0, error + output);
        Assert.Equal(
        [
            "-> STREAM FILE hello-world #",
            "<- 200 result=0 endpos=8000",
            "-> STREAM FILE tt-monkeys #",
            "<- 200 result=0 endpos=8000",
            "-> STREAM FILE goodbye #",
            "<- 200 result=0 endpos=8000",
            "-> HANGUP",
            "<- 200 result=1",
            "<- HANGUP   (Asterisk's hangup notice: the channel has hung up, so from here only commands that work on a dead channel succeed)",
        ], Conversation(output));
        Assert.Contains("<- HANGUP   (Asterisk's closing HANGUP: it writes one when the AGI ends (unless AGISIGHUP=no), whatever the channel's state)", output, StringComparison.Ordinal);
        Assert.Contains("** call over: the server closed the connection; AGISTATUS=HANGUP; 4 command(s)", output, StringComparison.Ordinal);
        Assert.Empty(error);
    }

    [Fact]
    public async Task Digits_are_pressed_when_the_script_waits_for_input()
    {
        (int exit, string output, _) = await CallServeAsync("hello", "--digits", "#");

        Assert.Equal(0, exit);
        Assert.Equal("<- 200 result=35 endpos=4000", Conversation(output)[1]);
    }

    [Fact]
    public async Task An_unknown_script_exits_1_after_the_failure_line()
    {
        (int exit, string output, _) = await CallServeAsync("no/such/script");

        Assert.Equal(1, exit);
        Assert.Equal(["-> SET VARIABLE FASTAGI_ERROR NOTFOUND", "<- 200 result=1", "-> failure", "<- HANGUP   (Asterisk's answer to 'failure': it leaves the AGI, AGISTATUS=FAILURE)"], Conversation(output));
        Assert.Contains("** FASTAGI_ERROR=NOTFOUND: no script is mapped to that path on the server", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interactive_replies_keys_and_hangup_come_from_the_input()
    {
        var input = new StringReader("\n#\nhangup\n");
        (int exit, string output, string error) = await CallServeAsync(input, "hello", "--interactive");

        Assert.True(exit == 0, error + output);
        Assert.Equal(
        [
            "-> STREAM FILE hello-world #",
            "<- 200 result=0 endpos=8000",
            "-> STREAM FILE tt-monkeys #",
            "<- 200 result=35 endpos=4000",
            "-> STREAM FILE goodbye #",
            "<- 200 result=-1 endpos=4000",
            "<- HANGUP   (Asterisk's hangup notice: the channel has hung up, so from here only commands that work on a dead channel succeed)",
            "-> HANGUP",
            "<- 511 Command Not Permitted on a dead channel or intercept routine",
        ], Conversation(output));
        Assert.Equal(4, output.Split("reply> ").Length - 1);
    }

    [Fact]
    public async Task Interactive_raw_replies_are_sent_as_typed()
    {
        var input = new StringReader("200 result=0 endpos=1\nnot a reply\n200 result=0 endpos=2\n\n\n");
        (int exit, string output, _) = await CallServeAsync(input, "hello", "--interactive");

        Assert.Equal(0, exit);
        Assert.Contains("<- 200 result=0 endpos=1", output, StringComparison.Ordinal);
        Assert.Contains("<- 200 result=0 endpos=2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_url_query_and_arguments_reach_the_script()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddFastAgi(static options => options.Listen = "127.0.0.1:0").MapScript("ivr/main", static async (session, hangup) =>
        {
            string text = $"lang={session.Request.Query["lang"]} args={string.Join('|', session.Request.Arguments)} caller={session.Request.CallerId}";
            await session.SendCommandAsync("VERBOSE", [text, "1"], hangup);
            var variable = await session.SendCommandAsync("GET VARIABLE", ["CUSTOMER"], hangup);
            await session.SendCommandAsync("GET DATA", ["pin", "3000", "4"], hangup);
            await session.SendCommandAsync("SET VARIABLE", ["SEEN", variable.Data ?? "none"], hangup);
        });
        using IHost host = builder.Build();
        await host.StartAsync().WaitAsync(Timeout);
        try
        {
            int port = host.Services.GetRequiredService<AgiServer>().Endpoints[0].Port;
            (int exit, string output, _) = await RunAsync(
                TextReader.Null, "call", $"agi://127.0.0.1:{port}/ivr/main?lang=fr", "--arg", "1000", "--arg=sales", "--digits", "12#", "--callerid", "5551234", "--var", "CUSTOMER=42");

            Assert.Equal(0, exit);
            Assert.Equal(
            [
                "-> VERBOSE \"lang=fr args=1000|sales caller=5551234\" 1",
                "<- 200 result=1",
                "-> GET VARIABLE CUSTOMER",
                "<- 200 result=1 (42)",
                "-> GET FULL VARIABLE FASTAGI_FENCE_*   (fence: the reply above ends here)",
                "<- 200 result=1 (FASTAGI_FENCE_*)   (fence)",
                "-> GET DATA pin 3000 4",
                "<- 200 result=12",
                "-> SET VARIABLE SEEN 42",
                "<- 200 result=1",
            ], Conversation(output));
        }
        finally
        {
            await host.StopAsync().WaitAsync(Timeout);
        }
    }

    [Fact]
    public async Task A_pipelining_server_exits_3()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<(int, string, string)> call = RunAsync(TextReader.Null, "call", $"agi://127.0.0.1:{port}/x");
        using (Socket server = await listener.AcceptSocketAsync().WaitAsync(Timeout))
        {
            await using var stream = new NetworkStream(server);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while ((await reader.ReadLineAsync().WaitAsync(Timeout))?.Length > 0)
            {
            }

            await stream.WriteAsync("NOOP 1\nNOOP 2\n"u8.ToArray());
            while (await reader.ReadLineAsync().WaitAsync(Timeout) is not null)
            {
            }
        }

        (int exit, _, string error) = await call.WaitAsync(Timeout);
        Assert.Equal(3, exit);
        Assert.Contains("pipelining", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_never_closes_exits_3_after_the_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<(int, string, string)> call = RunAsync(TextReader.Null, "call", $"agi://127.0.0.1:{port}/x", "--timeout", "0.3");
        using Socket server = await listener.AcceptSocketAsync().WaitAsync(Timeout);

        (int exit, _, string error) = await call.WaitAsync(Timeout);
        Assert.Equal(3, exit);
        Assert.Contains("Timed out after 0.3 s", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_server_exits_4()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        (int exit, _, string error) = await RunAsync(TextReader.Null, "call", $"agi://127.0.0.1:{port}/hello");
        Assert.Equal(4, exit);
        Assert.Contains("Could not connect", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("call")]
    [InlineData("call", "http://127.0.0.1/hello")]
    [InlineData("call", "agi://127.0.0.1:99999/hello")]
    [InlineData("call", "agi://127.0.0.1/hello", "--timeout", "soon")]
    [InlineData("call", "agi://127.0.0.1/hello", "--digits", "12x")]
    [InlineData("call", "agi://127.0.0.1/hello", "--frobnicate")]
    [InlineData("call", "agi://127.0.0.1/hello", "--arg")]
    public async Task Usage_errors_exit_2_with_one_line(params string[] args)
    {
        (int exit, string output, string error) = await RunAsync(TextReader.Null, args);
        Assert.Equal(2, exit);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Empty(output);
    }

    [Theory]
    [InlineData("call", "--help")]
    [InlineData("call", "-h")]
    [InlineData("call", "agi://127.0.0.1/hello", "--help")]
    public async Task Call_help_prints_its_options_and_exits_0(params string[] args)
    {
        (int exit, string output, string error) = await RunAsync(TextReader.Null, args);
        Assert.Equal(0, exit);
        Assert.Contains("--digits DIGITS", output, StringComparison.Ordinal);
        Assert.Empty(error);
    }

    [Fact]
    public async Task Help_lists_the_call_command()
    {
        (int exit, string output, _) = await RunAsync(TextReader.Null, "--help");
        Assert.Equal(0, exit);
        Assert.Contains("fastagi call URL [options]", output, StringComparison.Ordinal);
    }

    private static Task<(int Exit, string Output, string Error)> CallServeAsync(string script, params string[] options)
        => CallServeAsync(TextReader.Null, script, options);

    private static async Task<(int Exit, string Output, string Error)> CallServeAsync(TextReader input, string script, params string[] options)
    {
        using IHost host = CommandLine.BuildServeHost(["--FastAgi:Listen=127.0.0.1:0"]);
        await host.StartAsync().WaitAsync(Timeout);
        try
        {
            int port = host.Services.GetRequiredService<AgiServer>().Endpoints[0].Port;
            return await RunAsync(input, ["call", $"agi://127.0.0.1:{port}/{script}", .. options]);
        }
        finally
        {
            await host.StopAsync().WaitAsync(Timeout);
        }
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(TextReader input, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CommandLine.RunAsync(args, output, error, input).WaitAsync(Timeout);
        return (exit, output.ToString().ReplaceLineEndings("\n"), error.ToString());
    }

    /// <summary>The commands and replies, without notes, prompts and the post-close HANGUP line.</summary>
    [GeneratedRegex("FASTAGI_FENCE_[0-9a-f]{32}")]
    private static partial Regex FenceToken();

    private static string[] Conversation(string output)
    {
        var lines = new List<string>();
        foreach (string raw in output.Split('\n'))
        {
            string line = raw.Replace("   reply> ", string.Empty, StringComparison.Ordinal);
            if (line.StartsWith("** the server closed", StringComparison.Ordinal))
            {
                break;
            }

            if (line.StartsWith("-> ", StringComparison.Ordinal) || line.StartsWith("<- ", StringComparison.Ordinal))
            {
                // A fence's token is random.
                lines.Add(FenceToken().Replace(line, "FASTAGI_FENCE_*"));
            }
        }

        return [.. lines];
    }
}
