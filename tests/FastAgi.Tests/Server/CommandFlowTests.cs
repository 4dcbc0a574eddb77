using FastAgi.Protocol;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>
/// One command in flight per call (Asterisk does not pipeline, and an early command aborts STREAM FILE silently), abandoning
/// a command with a cancellation token, and commands refused before anything is written.
/// </summary>
public class CommandFlowTests
{
    // How long the fake listens for bytes the server must not send (ReplyAfterSilence). A server that wrongly writes does so
    // within microseconds on loopback; the window only has to outlast scheduling delays.
    private static readonly TimeSpan SilenceWindow = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Concurrent_commands_are_written_one_at_a_time_each_after_the_previous_reply()
    {
        var bothIssued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new TestScript(async (s, ct) =>
        {
            Task<AgiReply> first = s.SendCommandAsync("STREAM FILE", ["welcome", ""], ct).AsTask();
            Task<AgiReply> second = s.SendCommandAsync("GET VARIABLE", ["SECOND"], ct).AsTask();
            bothIssued.SetResult();

            AgiReply[] replies = await Task.WhenAll(first, second).WaitOrFail("both replies");
            Assert.Equal(8000, replies[0].EndPosition);
            Assert.Equal("second-value", replies[1].Data);
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("two", script.RunAsync));
        FakeAsterisk asterisk = AsteriskCalls.Strict("two", "1700000001.1");

        // The second command must wait for the reply to the first, or it would abort STREAM FILE.
        asterisk.Expect("STREAM FILE welcome \"\"").Reply("200 result=0 endpos=8000").ReplyAfter(bothIssued.Task).ReplyAfterSilence(SilenceWindow);
        asterisk.Expect("GET VARIABLE SECOND").Reply("200 result=1 (second-value)");

        (await asterisk.CallAsync(server.Endpoint)).AssertLines("STREAM FILE welcome \"\"", "GET VARIABLE SECOND");
        await script.WaitAsync();
    }

    [Fact]
    public async Task Many_concurrent_commands_each_get_their_own_reply()
    {
        const int Count = 20;
        var script = new TestScript(async (s, ct) =>
        {
            Task<AgiReply>[] commands = [.. Enumerable.Range(0, Count).Select(i => s.SendCommandAsync("GET VARIABLE", [$"V{i}"], ct).AsTask())];
            AgiReply[] replies = await Task.WhenAll(commands).WaitOrFail("all replies");
            for (int i = 0; i < Count; i++)
            {
                Assert.Equal($"value-{i}", replies[i].Data);
            }
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("many", script.RunAsync));
        FakeAsterisk asterisk = AsteriskCalls.Strict("many", "1700000001.2");
        for (int i = 0; i < Count; i++)
        {
            // Commands queue in the order they were issued; each line arrives alone (the fake fails the call on any byte
            // that comes before the reply) because the next waits for this reply.
            asterisk.Expect($"GET VARIABLE V{i}").Reply($"200 result=1 (value-{i})");
        }

        FakeCallResult call = await asterisk.CallAsync(server.Endpoint);
        call.AssertLines([.. Enumerable.Range(0, Count).Select(i => $"GET VARIABLE V{i}")]);
        await script.WaitAsync();
    }

    [Fact]
    public async Task Cancelled_command_makes_the_next_one_wait_for_the_abandoned_reply()
    {
        var commandWritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var nextIssued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new TestScript(async (s, ct) =>
        {
            using var giveUp = new CancellationTokenSource();
            Task<AgiReply> waiting = s.SendCommandAsync("WAIT FOR DIGIT", ["5000"], giveUp.Token).AsTask();
            await commandWritten.Task.WaitOrFail("the fake Asterisk to read WAIT FOR DIGIT");
            await giveUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitOrFail("the cancelled command to end"));
            Assert.False(ct.IsCancellationRequested);

            Task<AgiReply> next = s.SendCommandAsync("NOOP", ["after-cancel"], ct).AsTask();
            nextIssued.SetResult();
            AgiReply reply = await next.WaitOrFail("the reply to the command after the cancelled one");

            // Its own reply, not the abandoned "200 result=49" (digit 1).
            Assert.Equal("0", reply.Result);
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("cancel", script.RunAsync));
        FakeAsterisk asterisk = AsteriskCalls.Strict("cancel", "1700000001.3");
        asterisk.OnCommand((command, cancellationToken) =>
        {
            if (command.Command.Name == "WAIT FOR DIGIT")
            {
                commandWritten.SetResult();
            }

            return ValueTask.CompletedTask;
        });

        // A command written before the abandoned reply arrived would abort WAIT FOR DIGIT and take its reply.
        asterisk.Expect("WAIT FOR DIGIT 5000").Reply("200 result=49").ReplyAfter(nextIssued.Task).ReplyAfterSilence(SilenceWindow);
        asterisk.Expect("NOOP after-cancel").Reply("200 result=0");

        (await asterisk.CallAsync(server.Endpoint)).AssertLines("WAIT FOR DIGIT 5000", "NOOP after-cancel");
        await script.WaitAsync();
    }

    [Fact]
    public async Task Command_cancelled_while_queued_is_never_written()
    {
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new TestScript(async (s, ct) =>
        {
            Task<AgiReply> first = s.SendCommandAsync("STREAM FILE", ["prompt", ""], ct).AsTask();
            using var giveUp = new CancellationTokenSource();
            Task<AgiReply> queuedCommand = s.SendCommandAsync("NOOP", ["never-sent"], giveUp.Token).AsTask();
            await giveUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queuedCommand.WaitOrFail("the queued command to be cancelled"));

            // Already cancelled: nothing to wait for, nothing written.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => s.SendCommandAsync("NOOP", ["also-never-sent"], giveUp.Token).AsTask());
            queued.SetResult();

            Assert.Equal(-1, (await first.WaitOrFail("the first reply")).ResultCode);
            Assert.Equal("0", (await s.CommandAsync("NOOP", "last")).Result);
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("queued", script.RunAsync));
        FakeAsterisk asterisk = AsteriskCalls.Strict("queued", "1700000001.4");
        asterisk.Expect("STREAM FILE prompt \"\"").Reply("200 result=-1 endpos=0").ReplyAfter(queued.Task);
        asterisk.Expect("NOOP last").Reply("200 result=0");

        (await asterisk.CallAsync(server.Endpoint)).AssertLines("STREAM FILE prompt \"\"", "NOOP last");
        await script.WaitAsync();
    }

    [Fact]
    public async Task Refused_commands_throw_argument_exception_and_write_nothing()
    {
        var script = new TestScript(async (s, ct) =>
        {
            // Refused even while another command is in flight: the check runs before waiting for a turn.
            Task<AgiReply> busy = s.SendCommandAsync("WAIT FOR DIGIT", ["1000"], ct).AsTask();

            await Assert.ThrowsAsync<ArgumentException>(() => s.SendCommandAsync("SET VARIABLE", ["X", "line\nfeed"]).AsTask());
            await Assert.ThrowsAsync<ArgumentException>(() => s.SendCommandAsync("SET VARIABLE", ["X", "carriage\rreturn"]).AsTask());
            await Assert.ThrowsAsync<ArgumentException>(() => s.SendCommandAsync("SET VARIABLE", ["X", "nul\0byte"]).AsTask());
            await Assert.ThrowsAsync<ArgumentException>(() => s.SendCommandAsync("NOOP\nANSWER", []).AsTask());
            await Assert.ThrowsAsync<ArgumentException>(() => s.SendCommandAsync("failure", []).AsTask());
            await Assert.ThrowsAsync<ArgumentException>(() => s.SendCommandAsync("SET VARIABLE", ["X", new string('x', 8192)]).AsTask());
            await Assert.ThrowsAsync<ArgumentException>(() => s.SendCommandAsync("NOOP", [.. Enumerable.Repeat("w", 127)]).AsTask());

            Assert.Equal("49", (await busy.WaitOrFail("the reply to WAIT FOR DIGIT")).Result);
            Assert.Equal("0", (await s.CommandAsync("NOOP", "after-refused")).Result);
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("refused", script.RunAsync));
        FakeAsterisk asterisk = AsteriskCalls.Strict("refused", "1700000001.5");
        asterisk.Expect("WAIT FOR DIGIT 1000").Reply("200 result=49");
        asterisk.Expect("NOOP after-refused").Reply("200 result=0");

        // Byte-exact lines: any byte of a refused command would show up before or inside them.
        (await asterisk.CallAsync(server.Endpoint)).AssertLines("WAIT FOR DIGIT 1000", "NOOP after-refused");
        await script.WaitAsync();
    }
}
