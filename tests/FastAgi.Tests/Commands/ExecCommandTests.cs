using FastAgi.Commands;
using FastAgi.Server;
using Xunit;

namespace FastAgi.Tests.Commands;

/// <summary>EXEC and GOSUB (02d, 02f, 04a, 04k).</summary>
public sealed class ExecCommandTests
{
    private const string DeadChannel = "511 Command Not Permitted on a dead channel or intercept routine";

    public static TheoryData<Func<AgiSession, ValueTask<int>>, string> ExecArguments => new()
    {
        { s => s.ExecAsync("Wait", "1"), "EXEC Wait 1" },
        { s => s.ExecAsync("Set", "FOO=bar"), "EXEC Set FOO=bar" },
        { s => s.ExecAsync("Set", "FOO=a b c"), "EXEC Set \"FOO=a b c\"" },
        { s => s.ExecAsync("Set", ["FOO=a", "b"]), "EXEC Set FOO=a,b" },
        { s => s.ExecAsync("Playback", ["beep", "noanswer"]), "EXEC Playback beep,noanswer" },
        { s => s.ExecAsync("Verbose", ["1", "verbose via exec"]), "EXEC Verbose \"1,verbose via exec\"" },
        { s => s.ExecAsync("Dial", ["PJSIP/alice", "", "tT"]), "EXEC Dial PJSIP/alice,,tT" },
        { s => s.ExecAsync("NoOp"), "EXEC NoOp" },
        { s => s.ExecAsync("NoOp", ""), "EXEC NoOp" },
        { s => s.ExecAsync("NoOp", Array.Empty<string>()), "EXEC NoOp" },
    };

    [Theory]
    [MemberData(nameof(ExecArguments))]
    public async Task Exec_sends_the_application_arguments_as_one_word(Func<AgiSession, ValueTask<int>> call, string expected)
    {
        // 02d: Asterisk passes only the first word after the application name; later words are silently dropped.
        Assert.Equal(0, await CommandHarness.ReplayAsync("02d", expected, "200 result=0", call));
    }

    [Fact]
    public async Task Exec_of_an_unknown_application_throws()
    {
        RecordedReplies.AssertRecorded("02d", "200 result=-2");
        await using var harness = new CommandHarness();
        harness.Expect("EXEC NoSuchApplication foo", "200 result=-2");

        AgiCommandException error = await Assert.ThrowsAsync<AgiCommandException>(() => harness.RunAsync(s => s.ExecAsync("NoSuchApplication", "foo")));

        Assert.Contains("NoSuchApplication", error.Message, StringComparison.Ordinal);
        Assert.Equal("-2", error.Reply.Result);
    }

    [Fact]
    public async Task Exec_hangup_returns_the_applications_minus_one_and_keeps_working_on_the_dead_channel()
    {
        // 04k: EXEC runs on a dead channel, so its -1 is the application's value, not a hangup to check.
        RecordedReplies.AssertRecorded("04k", "200 result=-1\nHANGUP");
        await using var harness = new CommandHarness();
        harness.Expect("EXEC Hangup", "200 result=-1\nHANGUP")
            .Expect("EXEC NoOp after-hangup", "200 result=0");

        (int hangup, int noop) = await harness.RunAsync(async s => (await s.ExecAsync("Hangup"), await s.ExecAsync("NoOp", "after-hangup")));

        Assert.Equal(-1, hangup);
        Assert.Equal(0, noop);
        Assert.True(harness.Session.IsHungUp);
    }

    public static TheoryData<string, string, GosubResult> GosubReplies => new()
    {
        { "02f", "100 result=0 Trying...\n200 result=0 Gosub complete", GosubResult.Completed },
        { "02f", "200 result=-1 Gosub label not found", GosubResult.LabelNotFound },
        { "02f", "100 result=0 Trying...\n200 result=0 Gosub complete (abnormal exit)\nHANGUP", GosubResult.AbnormalExit },
        { RecordedReplies.FromSource, "200 result=-1 Gosub failed", GosubResult.Failed },
    };

    [Theory]
    [MemberData(nameof(GosubReplies))]
    public async Task Gosub_waits_through_100_trying_and_types_the_final_line(string scenario, string reply, GosubResult expected)
    {
        Assert.Equal(expected, await CommandHarness.ReplayAsync(scenario, "GOSUB agi-sub s 1", reply, s => s.GosubAsync("agi-sub", "s", 1)));
    }

    public static TheoryData<Func<AgiSession, ValueTask<GosubResult>>, string> GosubArguments => new()
    {
        { s => s.GosubAsync("agi-sub", "s", "1"), "GOSUB agi-sub s 1" },
        { s => s.GosubAsync("agi-sub", "s", 1, ["first arg", "second arg", "third"]), "GOSUB agi-sub s 1 \"first arg,second arg,third\"" },
        { s => s.GosubAsync("agi-sub", "s", "lbl"), "GOSUB agi-sub s lbl" },
        { s => s.GosubAsync("agi-sub", "s", "lbl", []), "GOSUB agi-sub s lbl" },
    };

    [Theory]
    [MemberData(nameof(GosubArguments))]
    public async Task Gosub_sends_the_arguments_as_one_fifth_word(Func<AgiSession, ValueTask<GosubResult>> call, string expected)
    {
        Assert.Equal(GosubResult.Completed, await CommandHarness.ReplayAsync("02f", expected, "100 result=0 Trying...\n200 result=0 Gosub complete", call));
    }

    [Fact]
    public async Task Gosub_on_a_dead_channel_throws()
    {
        RecordedReplies.AssertRecorded("04a", DeadChannel);
        await using var harness = new CommandHarness();
        harness.Send("HANGUP");
        harness.Expect("GOSUB agi-sub s 1", DeadChannel);

        await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.GosubAsync("agi-sub", "s", 1)));
    }

    [Fact]
    public async Task Gosub_memory_allocation_failure_is_a_command_exception()
    {
        await using var harness = new CommandHarness();
        harness.Expect("GOSUB agi-sub s 1", "503 result=-2 Memory allocation failure");

        AgiCommandException error = await Assert.ThrowsAsync<AgiCommandException>(() => harness.RunAsync(s => s.GosubAsync("agi-sub", "s", 1)));

        Assert.Equal(503, error.Reply.StatusCode);
    }
}
