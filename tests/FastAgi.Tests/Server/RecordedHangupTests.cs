using FastAgi.Protocol;
using FastAgi.Server;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>
/// The hangup recordings (04*, 05a) replayed byte for byte over loopback TCP by FastAgi.Testing's fake Asterisk, with
/// hand-written scripts that check each typed reply and when the hangup token fires. The fake holds the first <c>HANGUP</c>
/// line until the script has checked the reply before it (<c>HoldHangupUntil</c>), so "the reply comes first, then HANGUP"
/// is checked without depending on timing.
/// </summary>
public class RecordedHangupTests
{
    [Fact]
    public async Task Hangup_while_idle_04a_fires_the_token_and_only_dead_capable_commands_run()
    {
        var beforeHangup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new TestScript(async (s, ct) =>
        {
            Assert.Equal("0", Ok(await s.CommandAsync("NOOP", "about", "to", "go", "idle")).Result);
            Assert.False(ct.IsCancellationRequested, "The hangup token fired before Asterisk wrote HANGUP.");
            Assert.False(s.IsHungUp);
            beforeHangup.SetResult();

            await ct.WhenCancelled().WaitOrFail("the HANGUP line to fire the hangup token");
            Assert.True(s.IsHungUp);

            Assert.Equal("0", Ok(await s.CommandAsync("NOOP", "after", "hangup")).Result);
            await ExpectDeadChannel(s.CommandAsync("ANSWER"));
            AgiReply status = Ok(await s.CommandAsync("GET VARIABLE", "AGISTATUS"));
            Assert.Equal("0", status.Result);
            Assert.Null(status.Data);
            Assert.Equal("16", Ok(await s.CommandAsync("GET FULL VARIABLE", "${HANGUPCAUSE}")).Data);
            await ExpectDeadChannel(s.CommandAsync("STREAM FILE", "beep", ""));
            await ExpectDeadChannel(s.CommandAsync("WAIT FOR DIGIT", "100"));
            Assert.Equal(0, Ok(await s.CommandAsync("EXEC", "Wait", "1")).ResultCode);
            Assert.Equal(1, Ok(await s.CommandAsync("VERBOSE", "dead channel verbose", "1")).ResultCode);
            Assert.Equal(1, Ok(await s.CommandAsync("DATABASE PUT", "golden", "dead", "1")).ResultCode);
            Assert.Equal(1, Ok(await s.CommandAsync("SET VARIABLE", "DEADVAR", "1")).ResultCode);
            await ExpectDeadChannel(s.CommandAsync("GOSUB", "agi-sub", "s", "1"));
            await ExpectDeadChannel(s.CommandAsync("HANGUP"));
            await ExpectDeadChannel(s.CommandAsync("CHANNEL STATUS"));
            AgiReply unknown = await s.CommandAsync("FOOBAR");
            Assert.Equal(510, unknown.StatusCode);
            Assert.Equal("Invalid or unknown command", unknown.Text);
            Assert.False(unknown.HasResult);
        });

        await ReplayAsync("04a-hangup-while-idle", "hangupidle", script, beforeHangup.Task);
    }

    [Fact]
    public async Task Hangup_during_stream_file_04b_arrives_after_the_reply()
    {
        var beforeHangup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new TestScript(async (s, ct) =>
        {
            AgiReply reply = Ok(await s.CommandAsync("STREAM FILE", "tt-monkeys", ""));
            Assert.Equal("-1", reply.Result);
            Assert.Equal(12160, reply.EndPosition);
            Assert.Null(reply.Data);
            Assert.False(ct.IsCancellationRequested, "The hangup token fired before Asterisk wrote HANGUP.");
            beforeHangup.SetResult();

            await ct.WhenCancelled().WaitOrFail("the HANGUP line to fire the hangup token");
            await ExpectDeadChannel(s.CommandAsync("STREAM FILE", "beep", ""));
        });

        await ReplayAsync("04b-hangup-during-stream-file", "hangupstream", script, beforeHangup.Task);
    }

    [Fact]
    public async Task Hangup_during_wait_for_digit_04c_arrives_after_the_reply()
    {
        var beforeHangup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new TestScript(async (s, ct) =>
        {
            AgiReply reply = Ok(await s.CommandAsync("WAIT FOR DIGIT", "10000"));
            Assert.Equal(-1, reply.ResultCode);
            Assert.Null(reply.EndPosition);
            Assert.False(ct.IsCancellationRequested, "The hangup token fired before Asterisk wrote HANGUP.");
            beforeHangup.SetResult();

            await ct.WhenCancelled().WaitOrFail("the HANGUP line to fire the hangup token");
            Assert.True(s.IsHungUp);
        });

        await ReplayAsync("04c-hangup-during-wait-for-digit", "hangupwait", script, beforeHangup.Task);
    }

    [Fact]
    public async Task Hangup_during_get_data_04d_arrives_after_the_reply()
    {
        var beforeHangup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new TestScript(async (s, ct) =>
        {
            AgiReply reply = Ok(await s.CommandAsync("GET DATA", "tt-monkeys", "10000", "4"));
            Assert.Equal("-1", reply.Result);
            Assert.Equal(string.Empty, reply.Extra);
            Assert.False(ct.IsCancellationRequested, "The hangup token fired before Asterisk wrote HANGUP.");
            beforeHangup.SetResult();

            await ct.WhenCancelled().WaitOrFail("the HANGUP line to fire the hangup token");
        });

        await ReplayAsync("04d-hangup-during-get-data", "hangupgetdata", script, beforeHangup.Task);
    }

    [Fact]
    public async Task Hangup_command_04e_is_answered_then_followed_by_a_hangup_line()
    {
        var beforeHangup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new TestScript(async (s, ct) =>
        {
            Assert.Equal(-1, Ok(await s.CommandAsync("HANGUP", "Local/nosuch@nowhere-00000000;1")).ResultCode);
            Assert.Equal(1, Ok(await s.CommandAsync("HANGUP")).ResultCode);
            Assert.False(ct.IsCancellationRequested, "The hangup token fired before Asterisk wrote HANGUP.");
            beforeHangup.SetResult();

            await ct.WhenCancelled().WaitOrFail("the HANGUP line to fire the hangup token");
            Assert.Equal("0", Ok(await s.CommandAsync("NOOP", "after", "own", "HANGUP")).Result);
            await ExpectDeadChannel(s.CommandAsync("ANSWER"));
            await ExpectDeadChannel(s.CommandAsync("HANGUP", "a", "b"));
        });

        await ReplayAsync("04e-hangup-command", "hangupcmd", script, beforeHangup.Task);
    }

    [Fact]
    public async Task Agiexitonhangup_04i_fires_the_token_then_commands_throw_connection_closed()
    {
        var beforeHangup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new TestScript(async (s, ct) =>
        {
            Assert.Equal("yes", Ok(await s.CommandAsync("GET VARIABLE", "AGIEXITONHANGUP")).Data);
            Assert.False(ct.IsCancellationRequested, "The hangup token fired before Asterisk wrote HANGUP.");
            beforeHangup.SetResult();

            await ct.WhenCancelled().WaitOrFail("the HANGUP line to fire the hangup token");
            AgiHangupException closed = await Assert.ThrowsAsync<AgiHangupException>(() => s.CommandAsync("NOOP", "after", "EOF"));
            Assert.Equal(AgiHangupReason.ConnectionClosed, closed.Reason);

            // Once closed, later commands fail at once.
            closed = await Assert.ThrowsAsync<AgiHangupException>(() => s.CommandAsync("NOOP"));
            Assert.Equal(AgiHangupReason.ConnectionClosed, closed.Reason);
        });

        await ReplayAsync("04i-agiexitonhangup", "exitonhangup", script, beforeHangup.Task);
    }

    [Fact]
    public async Task Agiexitonhangup_during_stream_file_04i_gives_the_reply_then_the_token()
    {
        var beforeHangup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new TestScript(async (s, ct) =>
        {
            AgiReply reply = Ok(await s.CommandAsync("STREAM FILE", "tt-monkeys", ""));
            Assert.Equal(-1, reply.ResultCode);
            Assert.Equal(8160, reply.EndPosition);
            Assert.False(ct.IsCancellationRequested, "The hangup token fired before Asterisk wrote HANGUP.");
            beforeHangup.SetResult();

            await ct.WhenCancelled().WaitOrFail("the HANGUP line to fire the hangup token");
        });

        await ReplayAsync("04i-agiexitonhangup", "exitonhangupstream", script, beforeHangup.Task, index: 1);
    }

    [Fact]
    public async Task Agisighup_no_04j_sends_no_hangup_line_so_commands_get_511()
    {
        var script = new TestScript(async (s, ct) =>
        {
            Assert.Equal("no", Ok(await s.CommandAsync("GET VARIABLE", "AGISIGHUP")).Data);
            Assert.Equal("0", Ok(await s.CommandAsync("NOOP", "after", "hangup")).Result);
            Assert.False(ct.IsCancellationRequested, "No HANGUP line came, yet the hangup token fired.");
            AgiHangupException dead = await ExpectDeadChannel(s.CommandAsync("ANSWER"));
            Assert.Contains("511", dead.Message, StringComparison.Ordinal);

            // With AGISIGHUP=no the 511 is the only sign of the hangup, so it marks the session hung up.
            Assert.True(ct.IsCancellationRequested);
            Assert.True(s.IsHungUp);
        });

        await ReplayAsync("04j-agisighup-no", "nosighup", script, hangupGate: null);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Server_closing_right_after_the_environment_05a_sends_nothing(int connection)
    {
        var script = new TestScript((s, ct) =>
        {
            Assert.Equal("yes", s.Request["agi_network"]);
            return Task.CompletedTask;
        });

        await ReplayAsync("05a-server-closes-after-env", connection == 0 ? "closeafterenv" : "halfcloseafterenv", script, hangupGate: null, index: connection);
    }

    private static Task<FakeCallResult> ReplayAsync(string scenario, string path, TestScript script, Task? hangupGate, int index = 0)
        => RecordedScript.ReplayWithScriptAsync(scenario, path, script, hangupGate, index);

    private static AgiReply Ok(AgiReply reply)
    {
        Assert.Equal(200, reply.StatusCode);
        return reply;
    }

    private static async Task<AgiHangupException> ExpectDeadChannel(Task<AgiReply> command)
    {
        AgiHangupException ex = await Assert.ThrowsAsync<AgiHangupException>(() => command);
        Assert.Equal(AgiHangupReason.DeadChannel, ex.Reason);
        return ex;
    }
}
