using FastAgi.Server;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>The hangup token and <see cref="AgiSession.IsHungUp"/>: when they fire, and what commands do afterwards.</summary>
public class HangupTokenTests
{
    [Fact]
    public async Task Token_fires_while_the_script_awaits_something_else()
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new TestScript(async (s, ct) =>
        {
            waiting.SetResult();
            OperationCanceledException cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => Task.Delay(Timeout.Infinite, ct).WaitOrFail("the hangup token to cancel Task.Delay"));
            Assert.Equal(ct, cancelled.CancellationToken);
            Assert.True(s.IsHungUp);
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("wait", script.RunAsync));
        FakeAsterisk asterisk = AsteriskCalls.Strict("wait", "1700000000.1");
        asterisk.Caller.HangsUp();
        asterisk.HoldHangupUntil(waiting.Task);

        // The script ends on the hangup without a command: the server just closes (the dialplan sees AGISTATUS=HANGUP).
        FakeCallResult call = await asterisk.CallAsync(server.Endpoint);
        call.AssertLines();
        Assert.True(call.CallerHungUp);
        Assert.Equal(FakeCallEnding.ServerClosed, call.Ending);
        await script.WaitAsync();
    }

    [Fact]
    public async Task Hangup_in_the_same_segment_as_the_environment_fires_the_token()
    {
        // A caller that hangs up as the call connects: Asterisk's HANGUP can share a TCP segment with the environment.
        var script = new TestScript(async (s, ct) =>
        {
            await ct.WhenCancelled().WaitOrFail("the HANGUP line right after the environment to fire the hangup token");
            Assert.True(s.IsHungUp);
            Assert.Equal("0", (await s.CommandAsync("NOOP", "dead")).Result);
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("early", script.RunAsync));
        await using RawAgiConnection asterisk = await server.ConnectRawAsync();

        // One write, so that both reach the server together (the fake Asterisk writes each line on its own, as Asterisk does).
        await asterisk.SendAsync(AsteriskCalls.Strict("early", "1700000000.2").Environment.ToText() + "HANGUP\n");
        await asterisk.ExpectAsync("NOOP dead\n");
        await asterisk.SendAsync("200 result=0\n");
        await asterisk.ExpectClosedAsync();
        await script.WaitAsync();
    }

    [Fact]
    public async Task Eof_while_a_command_waits_fails_it_with_connection_closed_and_fires_the_token()
    {
        var script = new TestScript(async (s, ct) =>
        {
            AgiHangupException closed = await Assert.ThrowsAsync<AgiHangupException>(() => s.CommandAsync("WAIT FOR DIGIT", "-1"));
            Assert.Equal(AgiHangupReason.ConnectionClosed, closed.Reason);
            Assert.True(ct.IsCancellationRequested);
            Assert.True(s.IsHungUp);

            closed = await Assert.ThrowsAsync<AgiHangupException>(() => s.CommandAsync("NOOP"));
            Assert.Equal(AgiHangupReason.ConnectionClosed, closed.Reason);
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("eof", script.RunAsync));
        await using RawAgiConnection asterisk = await server.ConnectRawAsync();

        // Asterisk answers before it closes; a connection lost in the middle of a command is beyond the fake Asterisk.
        await asterisk.SendAsync(AsteriskCalls.Strict("eof", "1700000000.3").Environment.ToText());
        await asterisk.ExpectAsync("WAIT FOR DIGIT -1\n");
        asterisk.ShutdownSend();

        await asterisk.ExpectClosedAsync();
        await script.WaitAsync();
    }

    [Fact]
    public async Task Hangup_line_between_commands_is_not_taken_for_a_reply()
    {
        var script = new TestScript(async (s, ct) =>
        {
            Assert.Equal("0", (await s.CommandAsync("NOOP", "one")).Result);
            await ct.WhenCancelled().WaitOrFail("the hangup token");

            // HANGUP arrived before this command's reply, in the same write: it must not be read as the reply.
            Assert.Equal("1", (await s.CommandAsync("SET VARIABLE", "X", "1")).Result);
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("between", script.RunAsync));
        FakeAsterisk asterisk = AsteriskCalls.Strict("between", "1700000000.4");
        asterisk.Expect("NOOP one").ReplyInPieces(TimeSpan.Zero, "200 result=0\nHANGUP\n");
        asterisk.Expect("SET VARIABLE X 1").Reply("200 result=1");

        FakeCallResult call = await asterisk.CallAsync(server.Endpoint);
        call.AssertLines("NOOP one", "SET VARIABLE X 1");
        Assert.Equal("200 result=0\n", call.Commands[0].Reply);
        Assert.True(call.Commands[0].HungUp);
        await script.WaitAsync();
    }
}
