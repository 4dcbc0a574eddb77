using System.Net.Sockets;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>Calls end with a FIN, not a reset, on every transport: the server waits for Asterisk's trailing HANGUP line and its FIN before closing.</summary>
public sealed class GracefulCloseTests
{
    public static TheoryData<TestTransport> Transports => TestTransports.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_thousand_calls_end_without_a_single_reset(TestTransport transport)
    {
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("short", (call, hangup) => call.SendCommandAsync("NOOP", ["bye"], hangup).AsTask()),
            transport: transport);
        string environment = AsteriskCalls.Strict("short", "1700000400.1").Environment.ToText();
        int resets = 0;

        await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, cancellationToken) =>
        {
            await using RawAgiConnection asterisk = await server.ConnectRawAsync();
            await asterisk.SendAsync(environment);
            await asterisk.ExpectAsync("NOOP bye\n");
            await asterisk.SendAsync("200 result=0\n");

            // The server's FIN; then what run_agi() writes after its loop (04a), as Asterisk does, and our FIN.
            if (await asterisk.ReadToEndOrResetAsync())
            {
                Interlocked.Increment(ref resets);
                return;
            }

            // A reset in answer (the server closed before reading it) is EPIPE here: this side had the FIN (CLOSE_WAIT).
            await asterisk.SendAsync("HANGUP\n");
            if (asterisk.PendingError() != SocketError.Success)
            {
                Interlocked.Increment(ref resets);
            }
        }).WaitOrFail("a thousand calls", TestTimeouts.ManyCalls);

        Assert.Equal(0, resets);
    }
}
