using System.Net;
using System.Net.Sockets;
using System.Text;
using FastAgi.Testing.Tests.Support;

namespace FastAgi.Testing.Tests;

/// <summary>Servers that break Asterisk's rules: the fake catches each and says what went wrong.</summary>
public sealed class MisbehaviourTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static FakeAsterisk Fake(TimeSpan? timeout = null)
        => new(new FakeAsteriskOptions { ThrowOnFailure = false, Timeout = timeout ?? TimeSpan.FromSeconds(10) });

    [Theory]
    [InlineData("NOOP 1\nNOOP 2\n", "pipelining")]
    [InlineData("NOOP\r\n", "CR")]
    [InlineData("NOOP\0hidden\n", "NUL")]
    public async Task A_bad_command_line_is_a_protocol_violation(string sent, string named)
    {
        var server = new RawServer();
        Task<FakeCallResult> call = Fake().CallAsync(server.FakeSide);
        await server.ReadEnvironmentAsync();
        await server.SendAsync(sent);
        await server.FinishAsync();

        FakeCallResult result = await call.WaitAsync(Bound);
        Assert.Equal(FakeCallEnding.ProtocolViolation, result.Ending);
        Assert.Contains(named, result.Failure, StringComparison.Ordinal);
        Assert.Contains("Conversation so far:", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_longer_than_Asterisk_reads_is_a_protocol_violation()
    {
        var server = new RawServer();
        Task<FakeCallResult> call = Fake().CallAsync(server.FakeSide);
        await server.ReadEnvironmentAsync();
        await server.SendAsync("SET VARIABLE X " + new string('x', 8200) + "\n");
        await server.FinishAsync();

        FakeCallResult result = await call.WaitAsync(Bound);
        Assert.Equal(FakeCallEnding.ProtocolViolation, result.Ending);
        Assert.Contains("longer than 8190 bytes", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closing_in_the_middle_of_a_line_is_a_protocol_violation()
    {
        var server = new RawServer();
        Task<FakeCallResult> call = Fake().CallAsync(server.FakeSide);
        await server.ReadEnvironmentAsync();
        await server.SendAsync("NOO");
        await server.CloseAsync();

        FakeCallResult result = await call.WaitAsync(Bound);
        Assert.Equal(FakeCallEnding.ProtocolViolation, result.Ending);
        Assert.Contains("in the middle of a line", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_never_sends_anything_times_out_with_a_message()
    {
        var server = new RawServer();
        Task<FakeCallResult> call = Fake(TimeSpan.FromMilliseconds(300)).CallAsync(server.FakeSide);
        await server.ReadEnvironmentAsync();
        await server.FinishAsync();

        FakeCallResult result = await call.WaitAsync(Bound);
        Assert.Equal(FakeCallEnding.TimedOut, result.Ending);
        Assert.Contains("Timed out after 0.3 s waiting for the script's next command or for the server to close the connection (after the environment block)", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_does_not_close_after_its_last_command_times_out()
    {
        // The command is there before the call starts, so only the wait after its reply can time out, however loaded the machine.
        var server = new RawServer();
        await server.SendAsync("NOOP done\n");
        Task<FakeCallResult> call = Fake(TimeSpan.FromMilliseconds(300)).CallAsync(server.FakeSide);
        await server.ReadEnvironmentAsync();
        Assert.Equal("200 result=0\n", await server.ReadLineAsync());
        await server.FinishAsync();

        FakeCallResult result = await call.WaitAsync(Bound);
        Assert.Equal(FakeCallEnding.TimedOut, result.Ending);
        Assert.Contains("(after the reply to 'NOOP done')", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asterisk_closing_first_expects_the_server_to_close_too()
    {
        var fake = Fake();
        fake.Channel.Variables["AGIEXITONHANGUP"] = "yes";
        fake.Caller.HangsUp();
        var server = new RawServer();
        Task<FakeCallResult> call = fake.CallAsync(server.FakeSide);
        await server.ReadEnvironmentAsync();
        Assert.Equal("HANGUP\n", await server.ReadLineAsync());
        Assert.Equal("HANGUP\n", await server.ReadLineAsync());
        Assert.Null(await server.ReadLineAsync());

        // Asterisk never reads what comes after its close (04i).
        await server.SendAsync("NOOP after EOF\n");
        await server.CloseAsync();

        FakeCallResult result = await call.WaitAsync(Bound);
        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal(FakeCallEnding.AsteriskClosed, result.Ending);
        Assert.Empty(result.Commands);
    }

    [Fact]
    public async Task Pipelining_over_tcp_is_caught_too()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        Task<FakeCallResult> call = Fake().CallAsync(endpoint);
        using Socket server = await listener.AcceptSocketAsync().WaitAsync(Bound);
        await using var stream = new NetworkStream(server);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while ((await reader.ReadLineAsync().WaitAsync(Bound))?.Length > 0)
        {
        }

        await stream.WriteAsync("NOOP 1\nNOOP 2\n"u8.ToArray());
        while (await reader.ReadLineAsync().WaitAsync(Bound) is not null)
        {
        }

        server.Shutdown(SocketShutdown.Both);
        FakeCallResult result = await call.WaitAsync(Bound);
        Assert.Equal(FakeCallEnding.ProtocolViolation, result.Ending);
        Assert.Contains("pipelining", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reset_from_the_server_ends_the_call_as_a_close()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Task<FakeCallResult> call = Fake().CallAsync((IPEndPoint)listener.LocalEndpoint);
        using (Socket server = await listener.AcceptSocketAsync().WaitAsync(Bound))
        {
            await using var stream = new NetworkStream(server);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while ((await reader.ReadLineAsync().WaitAsync(Bound))?.Length > 0)
            {
            }

            await stream.WriteAsync("NOOP\n"u8.ToArray());
            Assert.Equal("200 result=0", await reader.ReadLineAsync().WaitAsync(Bound));

            // Linger 0: close() sends RST, as when a server closes with bytes unread.
            server.LingerState = new LingerOption(true, 0);
        }

        FakeCallResult result = await call.WaitAsync(Bound);
        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal(FakeCallEnding.ServerClosed, result.Ending);
    }

    [Fact]
    public async Task A_refused_connection_is_a_failed_call()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        listener.Stop();

        var failure = await Assert.ThrowsAsync<FakeAsteriskAssertionException>(() => new FakeAsterisk().CallAsync(endpoint));
        Assert.Equal(FakeCallEnding.ConnectionFailed, failure.Result!.Ending);
        Assert.Contains($"Could not connect to the FastAGI server at {endpoint}", failure.Message, StringComparison.Ordinal);
    }
}
