using FastAgi.Commands;
using FastAgi.Protocol;
using FastAgi.Server;
using Xunit;
using Xunit.Sdk;

namespace FastAgi.Tests.Commands;

/// <summary>The one failure rule shared by every command, and the harness that checks the others.</summary>
public sealed class FailureSemanticsTests
{
    [Fact]
    public async Task Unknown_command_510_is_a_command_exception()
    {
        RecordedReplies.AssertRecorded("04a", "510 Invalid or unknown command");
        await using var harness = new CommandHarness();
        harness.Expect("SPEECH CREATE", "510 Invalid or unknown command");

        AgiCommandException error = await Assert.ThrowsAsync<AgiCommandException>(() => harness.RunAsync(s => s.SpeechCreateAsync()));

        Assert.IsNotType<AgiUsageException>(error);
        Assert.Equal(510, error.Reply.StatusCode);
        Assert.Equal("SPEECH CREATE", error.Command);
    }

    [Fact]
    public async Task Usage_520_without_usage_text_has_null_usage()
    {
        // 03b: commands registered without XML documentation answer a single 520 line.
        RecordedReplies.AssertRecorded("03b", "520 Invalid command syntax.  Proper usage not available.");
        await using var harness = new CommandHarness();
        harness.Expect("WAIT FOR DIGIT 1000", "520 Invalid command syntax.  Proper usage not available.");

        AgiUsageException error = await Assert.ThrowsAsync<AgiUsageException>(() => harness.RunAsync(s => s.WaitForDigitAsync(TimeSpan.FromSeconds(1))));

        Assert.Null(error.Usage);
        Assert.Contains("Proper usage not available", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("200 result=0", null)]
    [InlineData("510 Invalid or unknown command", typeof(AgiCommandException))]
    [InlineData("520 Invalid command syntax.  Proper usage not available.", typeof(AgiUsageException))]
    [InlineData("511 Command Not Permitted on a dead channel or intercept routine", typeof(AgiHangupException))]
    [InlineData("503 result=-2 Memory allocation failure", typeof(AgiCommandException))]
    public void A_raw_reply_is_checked_the_way_typed_commands_check_theirs(string line, Type? thrown)
    {
        AgiReply reply = new(int.Parse(line[..3], System.Globalization.CultureInfo.InvariantCulture), line[4..]);
        if (thrown is null)
        {
            Assert.Same(reply, reply.EnsureSuccess("MY COMMAND"));
            return;
        }

        Exception error = Assert.Throws(thrown, () => reply.EnsureSuccess("MY COMMAND"));
        Assert.Contains("MY COMMAND", error.Message, StringComparison.Ordinal);
        if (error is AgiCommandException command)
        {
            Assert.Same(reply, command.Reply);
            Assert.Equal("MY COMMAND", command.Command);
        }
    }

    [Fact]
    public async Task Raw_and_typed_commands_throw_the_same_exception_for_the_same_reply()
    {
        await using var harness = new CommandHarness();
        harness.Expect("SPEECH CREATE", "510 Invalid or unknown command").Expect("SPEECH CREATE", "510 Invalid or unknown command");

        await harness.RunAsync(async s =>
        {
            AgiCommandException typed = await Assert.ThrowsAsync<AgiCommandException>(() => s.SpeechCreateAsync().AsTask());
            AgiCommandException raw = await Assert.ThrowsAsync<AgiCommandException>(async () => (await s.SendCommandAsync("SPEECH CREATE")).EnsureSuccess("SPEECH CREATE"));
            Assert.Equal(typed.Message, raw.Message);
        });
    }

    [Fact]
    public async Task Exec_with_null_arguments_and_a_token_compiles_and_sends_the_application_alone()
    {
        await using var harness = new CommandHarness();
        harness.Expect("EXEC Answer", "200 result=0");

        Assert.Equal(0, await harness.RunAsync(s => s.ExecAsync("Answer", null, CancellationToken.None)));
    }

    [Fact]
    public async Task Connection_closed_mid_command_is_a_hangup()
    {
        await using var harness = new CommandHarness();
        harness.ExpectThenClose("WAIT FOR DIGIT -1");

        AgiHangupException closed = await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.WaitForDigitAsync(Timeout.InfiniteTimeSpan)));

        Assert.Equal(AgiHangupReason.ConnectionClosed, closed.Reason);
    }

    [Fact]
    public async Task Agisighup_no_hangup_without_a_HANGUP_line_is_still_detected()
    {
        // 04j: with AGISIGHUP=no there is never a HANGUP line; the probe's 511 is the only sign.
        await using var harness = new CommandHarness();
        harness.Expect("STREAM FILE tt-monkeys \"\"", "200 result=-1 endpos=4000")
            .Expect("CHANNEL STATUS", "511 Command Not Permitted on a dead channel or intercept routine");

        await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.StreamFileAsync("tt-monkeys")));
    }

    [Fact]
    public async Task Reply_without_a_result_is_a_command_exception()
    {
        await using var harness = new CommandHarness();
        harness.Expect("ANSWER", "200 something else");

        await Assert.ThrowsAsync<AgiCommandException>(() => harness.RunAsync(s => s.AnswerAsync()));
    }

    [Fact]
    public async Task Harness_reports_a_command_that_differs_from_the_script()
    {
        await using var harness = new CommandHarness();
        harness.Expect("STREAM FILE beep \"\"", "200 result=0 endpos=3404");

        XunitException error = await Assert.ThrowsAsync<XunitException>(() => harness.RunAsync(s => s.StreamFileAsync("boop")));

        Assert.Contains("STREAM FILE boop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Harness_reports_a_step_never_reached()
    {
        await using var harness = new CommandHarness();
        harness.Expect("NOOP", "200 result=0").Expect("NOOP", "200 result=0");

        XunitException error = await Assert.ThrowsAsync<XunitException>(() => harness.RunAsync(s => s.NoopAsync()));

        Assert.Contains("never wrote", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recorded_replies_rejects_a_line_asterisk_never_wrote()
    {
        Assert.ThrowsAny<XunitException>(() => RecordedReplies.AssertRecorded("02g", "200 result=0 endpos=3405"));
    }
}
