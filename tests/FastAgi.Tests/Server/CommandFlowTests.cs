using FastAgi.Protocol;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>
/// One command in flight per call (Asterisk does not pipeline, and an early command aborts STREAM FILE silently), abandoning
/// a command with a cancellation token, and commands refused before anything is written.
/// </summary>
public class CommandFlowTests
{
    // How long the fake listens for bytes the server must not send. A server that wrongly writes does so within
    // microseconds on loopback; the window only has to outlast scheduling delays.
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
        await using FakeAsteriskClient asterisk = await server.ConnectAsync();

        await asterisk.SendEnvironmentAsync("two", "1700000001.1");
        await asterisk.ExpectAsync("STREAM FILE welcome \"\"\n");
        await bothIssued.Task.WaitOrFail("the script to issue both commands");
        await asterisk.AssertSilentAsync(SilenceWindow, "the second command must wait for the reply to the first, or it would abort STREAM FILE");

        await asterisk.SendAsync("200 result=0 endpos=8000\n");
        await asterisk.ExpectAndReplyAsync("GET VARIABLE SECOND\n", "200 result=1 (second-value)\n");
        await asterisk.ExpectClosedAsync();
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
        await using FakeAsteriskClient asterisk = await server.ConnectAsync();

        await asterisk.SendEnvironmentAsync("many", "1700000001.2");
        for (int i = 0; i < Count; i++)
        {
            // Commands queue in the order they were issued; each line arrives alone because the next waits for this reply.
            await asterisk.ExpectAndReplyAsync($"GET VARIABLE V{i}\n", $"200 result=1 (value-{i})\n");
        }

        await asterisk.ExpectClosedAsync();
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
        await using FakeAsteriskClient asterisk = await server.ConnectAsync();

        await asterisk.SendEnvironmentAsync("cancel", "1700000001.3");
        await asterisk.ExpectAsync("WAIT FOR DIGIT 5000\n");
        commandWritten.SetResult();
        await nextIssued.Task.WaitOrFail("the script to issue the next command");
        await asterisk.AssertSilentAsync(SilenceWindow, "a command written before the abandoned reply arrived would abort WAIT FOR DIGIT and take its reply");

        await asterisk.SendAsync("200 result=49\n");
        await asterisk.ExpectAndReplyAsync("NOOP after-cancel\n", "200 result=0\n");
        await asterisk.ExpectClosedAsync();
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
        await using FakeAsteriskClient asterisk = await server.ConnectAsync();

        await asterisk.SendEnvironmentAsync("queued", "1700000001.4");
        await asterisk.ExpectAsync("STREAM FILE prompt \"\"\n");
        await queued.Task.WaitOrFail("the script to cancel its queued commands");
        await asterisk.SendAsync("200 result=-1 endpos=0\n");
        await asterisk.ExpectAndReplyAsync("NOOP last\n", "200 result=0\n");
        await asterisk.ExpectClosedAsync();
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
        await using FakeAsteriskClient asterisk = await server.ConnectAsync();

        await asterisk.SendEnvironmentAsync("refused", "1700000001.5");

        // Byte-exact expectations: any byte of a refused command would show up before or inside these lines.
        await asterisk.ExpectAndReplyAsync("WAIT FOR DIGIT 1000\n", "200 result=49\n");
        await asterisk.ExpectAndReplyAsync("NOOP after-refused\n", "200 result=0\n");
        await asterisk.ExpectClosedAsync();
        await script.WaitAsync();
    }
}
