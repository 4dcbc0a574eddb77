using FastAgi.Protocol;
using FastAgi.Server;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>Recorded calls (01a, 02a, 02b, 02f) replayed with scripts that check the typed replies, and 520 usage replies whose lines arrive apart.</summary>
public class RecordedReplyTests
{
    [Fact]
    public async Task Environment_and_noop_01a()
    {
        var script = new TestScript(async (s, ct) =>
        {
            AgiRequest request = s.Request;
            Assert.Equal("golden?mode=x&y=2", request.NetworkScript);
            Assert.Equal("golden", request.ScriptPath);
            Assert.Equal("x", request.Query["mode"]);
            Assert.Equal("2", request.Query["y"]);
            Assert.Equal(["first arg", "second"], request.Arguments);
            Assert.Equal("agi://127.0.0.1:4573/golden?mode=x&y=2", request.RequestUrl);
            Assert.Equal("Local/100@agi-test-00000006;2", request.Channel);
            Assert.Equal("1795700025.13", request.UniqueId);
            Assert.Equal("22.10.1", request.AsteriskVersion);
            Assert.Equal(string.Empty, request.AccountCode);
            Assert.Equal("unknown", request.CallerId);

            AgiReply reply = await s.CommandAsync("NOOP", "environment", "received");
            Assert.Equal(200, reply.StatusCode);
            Assert.Equal("0", reply.Result);
            Assert.Null(reply.Data);
            Assert.False(ct.IsCancellationRequested);
        });

        await RecordedScript.ReplayWithScriptAsync("01a-env-basic", "golden", script);
    }

    [Fact]
    public async Task Answer_channel_status_noop_verbose_and_a_520_usage_reply_02a()
    {
        RecordedScript replay = RecordedScript.Load("02a-basic-answer-status-noop-verbose");

        // Our writer never separates words with tabs or several spaces: that one line is replayed as the same words, written our way.
        Assert.Equal(["\tNOOP\t\ttab-separated  and   multiple   spaces"], replay.NonCanonical);
        var script = new TestScript(async (s, ct) =>
        {
            Assert.Equal("0", (await s.CommandAsync("ANSWER")).Result);
            Assert.Equal(6, (await s.CommandAsync("CHANNEL STATUS")).ResultCode);
            Assert.Equal(6, (await s.CommandAsync("CHANNEL STATUS", "Local/basic@agi-test-00000010;1")).ResultCode);
            Assert.Equal(-1, (await s.CommandAsync("CHANNEL STATUS", "Local/nosuch@nowhere-00000000;1")).ResultCode);
            Assert.Equal("0", (await s.CommandAsync("NOOP")).Result);
            Assert.Equal("0", (await s.CommandAsync("NOOP", "any", "args at all", "are", "ignored")).Result);
            Assert.Equal("1", (await s.CommandAsync("VERBOSE", "hello from the FastAGI server", "1")).Result);
            Assert.Equal("1", (await s.CommandAsync("VERBOSE", "no-level-given")).Result);

            AgiReply usage = await s.CommandAsync("VERBOSE");
            Assert.Equal(520, usage.StatusCode);
            Assert.Equal("Invalid command syntax.  Proper usage follows:", usage.Text);
            Assert.Equal(
                "Sends <replaceable>message</replaceable> to the console via verbose message system. <replaceable>level</replaceable> is the verbose level (1-4). Always returns <literal>1</literal>",
                usage.Usage);
            Assert.False(usage.HasResult);

            // The commands after the usage reply get their own replies: the session is still in step.
            Assert.Equal("0", (await s.CommandAsync("answer")).Result);
            Assert.Equal("0", (await s.CommandAsync("NoOp", "mixed", "case")).Result);
            Assert.Equal("0", (await s.CommandAsync("ANSWER", "with", "extra", "ignored", "args")).Result);
            Assert.Equal("0", (await s.CommandAsync("NOOP", "tab-separated", "and", "multiple", "spaces")).Result);
            Assert.Equal("0", (await s.CommandAsync("ASYNCAGI BREAK")).Result);
            Assert.Equal("0", (await s.CommandAsync("NOOP", "still", "alive", "after", "ASYNCAGI", "BREAK")).Result);
            Assert.False(ct.IsCancellationRequested);
        });

        await replay.ReplayWithScriptAsync("basic", script);
    }

    [Fact]
    public async Task Set_and_get_variable_with_a_value_holding_a_line_feed_02b()
    {
        RecordedScript replay = RecordedScript.Load("02b-set-get-variable-quoting");
        var script = new TestScript(replay.RunAsync);

        await replay.ReplayWithScriptAsync("vars", script);

        // "200 result=1 (line1\n" + "line2)\n": one reply, and the next command still gets its own.
        AgiReply lineFeed = ReplyTo(replay, "GET FULL VARIABLE ${BASE64_DECODE(bGluZTEKbGluZTI=)}\n");
        Assert.Equal("line1\nline2", lineFeed.Data);
        AgiReply next = ReplyTo(replay, "NOOP after-newline-value\n");
        Assert.Equal(200, next.StatusCode);
        Assert.Equal("0", next.Result);

        Assert.Equal("x) (y", ReplyAfter(replay, "SET VARIABLE FOO \"x) (y\"\n").Data);
        Assert.Equal("say \"hi\" now", ReplyAfter(replay, "SET VARIABLE FOO \"say \\\"hi\\\" now\"\n").Data);
        Assert.Equal("café ☃", ReplyAfter(replay, "SET VARIABLE FOO \"café ☃\"\n").Data);
        Assert.Equal(string.Empty, ReplyAfter(replay, "SET VARIABLE FOO \"\"\n").Data);
        Assert.Equal("spaced-name", ReplyTo(replay, "GET VARIABLE \"MY VAR\"\n").Data);

        AgiReply unset = ReplyTo(replay, "GET VARIABLE NEVER_SET_VARIABLE\n");
        Assert.Equal("0", unset.Result);
        Assert.Null(unset.Data);
        Assert.Equal(string.Empty, ReplyTo(replay, "GET FULL VARIABLE ${NEVER_SET}\n").Data);

        // GET VARIABLE truncates to 1023 bytes; GET FULL VARIABLE does not.
        Assert.Equal(new string('v', 1023), ReplyTo(replay, "GET VARIABLE LONGV\n").Data);
        Assert.Equal(new string('v', 2000), ReplyTo(replay, "GET FULL VARIABLE ${LONGV}\n").Data);

        AgiReply usage = ReplyTo(replay, "GET VARIABLE\n");
        Assert.Equal(520, usage.StatusCode);
        Assert.Equal(2, usage.Usage!.Split('\n').Length);
    }

    [Fact]
    public async Task Gosub_interim_100_line_is_not_the_reply_02f()
    {
        var beforeHangup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new TestScript(async (s, ct) =>
        {
            AgiReply gosub = await s.CommandAsync("GOSUB", "agi-sub", "s", "1");
            Assert.Equal(200, gosub.StatusCode);
            Assert.Equal("0", gosub.Result);
            Assert.Equal("Gosub complete", gosub.Extra);
            Assert.Null(gosub.Data);
            Assert.Equal("retval42", (await s.CommandAsync("GET VARIABLE", "GOSUB_RETVAL")).Data);
            Assert.Equal("set-in-sub", (await s.CommandAsync("GET VARIABLE", "SUBVAR")).Data);

            Assert.Equal("Gosub complete", (await s.CommandAsync("GOSUB", "agi-sub", "s", "1", "first arg,second arg,third")).Extra);
            Assert.Equal("retval42", (await s.CommandAsync("GET VARIABLE", "GOSUB_RETVAL")).Data);
            Assert.Equal("Gosub complete", (await s.CommandAsync("GOSUB", "agi-sub", "s", "lbl")).Extra);
            Assert.Equal("from-label", (await s.CommandAsync("GET VARIABLE", "GOSUB_RETVAL")).Data);
            Assert.Equal("Gosub complete", (await s.CommandAsync("GOSUB", "agi-sub", "wait", "1")).Extra);

            foreach (AgiReply notFound in new[]
            {
                await s.CommandAsync("GOSUB", "agi-sub", "nosuchexten", "1"),
                await s.CommandAsync("GOSUB", "agi-sub", "s", "nosuchlabel"),
                await s.CommandAsync("GOSUB", "nosuchcontext", "s", "1"),
            })
            {
                Assert.Equal(-1, notFound.ResultCode);
                Assert.Equal("Gosub label not found", notFound.Extra);
            }

            AgiReply usage = await s.CommandAsync("GOSUB", "agi-sub", "s");
            Assert.Equal(520, usage.StatusCode);
            Assert.Equal("Cause the channel to execute the specified dialplan subroutine, returning to the dialplan with execution of a Return().", usage.Usage);

            Assert.Equal("0", (await s.CommandAsync("NOOP", "before", "abnormal", "gosub")).Result);
            Assert.Equal("Gosub complete (abnormal exit)", (await s.CommandAsync("GOSUB", "agi-sub", "goto", "1")).Extra);
            Assert.False(ct.IsCancellationRequested, "The hangup token fired before Asterisk wrote HANGUP.");
            beforeHangup.SetResult();

            await ct.WhenCancelled().WaitOrFail("the HANGUP line to fire the hangup token");
            Assert.Equal("0", (await s.CommandAsync("NOOP", "after", "abnormal", "gosub")).Result);
            AgiHangupException dead = await Assert.ThrowsAsync<AgiHangupException>(() => s.CommandAsync("ANSWER"));
            Assert.Equal(AgiHangupReason.DeadChannel, dead.Reason);
        });

        await RecordedScript.ReplayWithScriptAsync("02f-gosub", "gosub", script, beforeHangup.Task);
    }

    [Fact]
    public async Task Usage_reply_whose_lines_arrive_40_ms_apart_is_one_reply()
    {
        var script = new TestScript(async (s, ct) =>
        {
            AgiReply usage = await s.CommandAsync("GET VARIABLE");
            Assert.Equal(520, usage.StatusCode);
            Assert.Equal("Invalid command syntax.  Proper usage follows:", usage.Text);
            Assert.Equal(
                "Returns <literal>0</literal> if <replaceable>variablename</replaceable> is not set.\nExample return code: 200 result=1 (testvariable)",
                usage.Usage);

            AgiReply next = await s.CommandAsync("NOOP", "after-usage");
            Assert.Equal("0", next.Result);
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("usage", script.RunAsync));
        FakeAsterisk asterisk = AsteriskCalls.Strict("usage", "1795700066.35");

        // Recorded in 02b: the first line, then ~43 ms later (Nagle and delayed ACK) the usage text and the last line.
        // Here the first line is also cut in two, as a slow network could deliver it, and every piece comes 40 ms apart.
        asterisk.Expect("GET VARIABLE").ReplyInPieces(
            TimeSpan.FromMilliseconds(40),
            "520-Invalid command syn",
            "tax.  Proper usage follows:\n",
            "Returns <literal>0</literal> if <replaceable>variablename</replaceable> is not set.\n",
            "Example return code: 200 result=1 (testvariable)\n",
            "520 End of proper usage.\n");
        asterisk.Expect("NOOP after-usage").Reply("200 result=0");

        FakeCallResult call = await asterisk.CallAsync(server.Endpoint);
        call.AssertLines("GET VARIABLE", "NOOP after-usage");
        await script.WaitAsync();
    }

    private static AgiReply ReplyTo(RecordedScript replay, string line)
    {
        int index = IndexOf(replay, line);
        return replay.Replies[index] ?? throw new InvalidOperationException($"'{line}' got no reply.");
    }

    private static AgiReply ReplyAfter(RecordedScript replay, string line)
        => replay.Replies[IndexOf(replay, line) + 1] ?? throw new InvalidOperationException($"The command after '{line}' got no reply.");

    private static int IndexOf(RecordedScript replay, string line)
    {
        Assert.Equal(replay.Steps.Count, replay.Replies.Count);
        for (int i = 0; i < replay.Steps.Count; i++)
        {
            if (replay.Steps[i].Line + "\n" == line)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The replay has no command '{line}'.");
    }
}
