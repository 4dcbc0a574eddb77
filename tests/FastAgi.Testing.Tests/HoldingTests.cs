using FastAgi.Protocol;
using FastAgi.Routing;
using FastAgi.Server;
using FastAgi.Testing.Replay;
using FastAgi.Testing.Tests.Support;

namespace FastAgi.Testing.Tests;

/// <summary>Holding a reply or a HANGUP line until the test lets it go, listening for bytes that must not come, and replies in pieces.</summary>
public sealed class HoldingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task The_HANGUP_line_waits_for_the_release()
    {
        var checkedBefore = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var asterisk = new FakeAsterisk();
        asterisk.Expect("NOOP before").ThenHangUp();
        asterisk.HoldHangupUntil(checkedBefore.Task);
        bool firedBeforeRelease = true;

        FakeCallResult call = await asterisk.CallAsync(async (session, hangup) =>
        {
            await session.SendCommandAsync("NOOP", ["before"], hangup);
            firedBeforeRelease = hangup.IsCancellationRequested;
            checkedBefore.SetResult();
            await hangup.WhenCancelled();
        });

        Assert.False(firedBeforeRelease);
        Assert.True(call.CallerHungUp);
        Assert.Contains("** the HANGUP line waits for the test", call.Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_HANGUP_line_never_released_fails_the_call_with_a_message()
    {
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Timeout = TimeSpan.FromMilliseconds(300), ThrowOnFailure = false });
        asterisk.Caller.HangsUp();
        asterisk.HoldHangupUntil(new TaskCompletionSource().Task);

        FakeCallResult call = await asterisk.CallAsync(static (session, hangup) => hangup.WhenCancelled()).WaitAsync(Bound);

        Assert.Equal(FakeCallEnding.TimedOut, call.Ending);
        Assert.Contains("waiting for the test to release the HANGUP line", call.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_held_reply_is_sent_once_released()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Strict = true });
        asterisk.OnCommand((context, cancellationToken) =>
        {
            release.SetResult();
            return ValueTask.CompletedTask;
        });
        asterisk.Expect("GET VARIABLE X").ReplyValue("held").ReplyAfter(release.Task).ReplyAfterSilence(Window);
        string? value = null;

        FakeCallResult call = await asterisk.CallAsync(async (session, hangup) => value = (await session.SendCommandAsync("GET VARIABLE", ["X"], hangup)).Data);

        Assert.Equal("held", value);
        Assert.Contains("** the reply to 'GET VARIABLE X' waits for the test", call.Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_sent_while_a_reply_is_held_are_pipelining()
    {
        var server = new RawServer();
        var sentSecond = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        FakeAsterisk asterisk = Received(out Task received);
        asterisk.Expect("STREAM FILE welcome").ReplyAfter(sentSecond.Task);
        Task<FakeCallResult> call = asterisk.CallAsync(server.FakeSide);
        await server.ReadEnvironmentAsync();
        await server.SendAsync("STREAM FILE welcome \"\"\n");
        await received.WaitAsync(Bound);
        await server.SendAsync("NOOP early\n");
        sentSecond.SetResult();
        await server.FinishAsync();

        FakeCallResult result = await call.WaitAsync(Bound);
        Assert.Equal(FakeCallEnding.ProtocolViolation, result.Ending);
        Assert.Contains("before its reply (pipelining)", result.Failure, StringComparison.Ordinal);
        Assert.DoesNotContain("<- 200 result=0 endpos=8000", result.Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_sent_within_the_silence_window_are_pipelining()
    {
        var server = new RawServer();
        FakeAsterisk asterisk = Received(out Task received);
        asterisk.Expect("WAIT FOR DIGIT 5000").ReplyAfterSilence(TimeSpan.FromSeconds(5));
        Task<FakeCallResult> call = asterisk.CallAsync(server.FakeSide);
        await server.ReadEnvironmentAsync();
        await server.SendAsync("WAIT FOR DIGIT 5000\n");
        await received.WaitAsync(Bound);

        // The fake is listening for the window: a byte now ends it at once, long before the 5 s are over.
        await server.SendAsync("NOOP early\n");
        await server.FinishAsync();

        FakeCallResult result = await call.WaitAsync(Bound);
        Assert.Equal(FakeCallEnding.ProtocolViolation, result.Ending);
        Assert.Contains("'WAIT FOR DIGIT 5000', before its reply (pipelining)", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_in_pieces_is_one_reply_and_a_HANGUP_line_in_a_piece_hangs_up()
    {
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Strict = true });
        asterisk.Expect("GET VARIABLE").ReplyInPieces(
            TimeSpan.FromMilliseconds(20),
            "520-Invalid command syn",
            "tax.  Proper usage follows:\n",
            "Returns <literal>0</literal>.\n520 End of proper usage.\n");
        asterisk.Expect("NOOP one").ReplyInPieces(TimeSpan.Zero, "200 result=0\nHANGUP\n");
        AgiReply? usage = null;

        FakeCallResult call = await asterisk.CallAsync(async (session, hangup) =>
        {
            usage = await session.SendCommandAsync("GET VARIABLE", [], hangup);
            await session.SendCommandAsync("NOOP", ["one"], hangup);
            await hangup.WhenCancelled();
        });

        Assert.Equal(520, usage!.StatusCode);
        Assert.Equal("Returns <literal>0</literal>.", usage.Usage);
        Assert.Equal("520-Invalid command syntax.  Proper usage follows:\nReturns <literal>0</literal>.\n520 End of proper usage.\n", call.Commands[0].Reply);
        Assert.Equal("200 result=0\n", call.Commands[1].Reply);
        Assert.True(call.Commands[1].HungUp);
        Assert.True(call.CallerHungUp);
        Assert.Throws<ArgumentException>(() => new FakeAsterisk().Expect("NOOP").ReplyInPieces(TimeSpan.Zero, "200 result=0"));
    }

    [Fact]
    public void A_replay_keeps_the_recorded_pauses_between_the_lines_of_a_reply_only_when_asked()
    {
        AgiRecordedConnection recorded = Recordings.Load("02b-set-get-variable-quoting").Main;

        static List<TimeSpan> Pauses(FakeAsterisk fake)
            => [.. fake.Plan.OfType<PlanStep.Expectation>().SelectMany(static step => step.Value.RawPauses ?? [])];

        List<TimeSpan> kept = Pauses(FakeAsterisk.FromRecording(recorded, options: new FakeAsteriskOptions { ReplayPauses = true }));
        Assert.Contains(kept, static pause => pause >= TimeSpan.FromMilliseconds(20));
        Assert.All(kept, static pause => Assert.True(pause <= TimeSpan.FromMilliseconds(50)));
        Assert.Empty(Pauses(FakeAsterisk.FromRecording(recorded)));
    }

    [Fact]
    public async Task After_Asterisk_closes_a_replay_accepts_what_the_recorded_server_sent_and_nothing_else()
    {
        AgiRecordedConnection recorded = Recordings.Load("04i-agiexitonhangup").MainConnections[0];

        static AgiScript Script(string afterClose) => async (session, hangup) =>
        {
            await session.SendCommandAsync("GET VARIABLE", ["AGIEXITONHANGUP"], CancellationToken.None);
            await hangup.WhenCancelled();
            await Assert.ThrowsAsync<AgiHangupException>(() => session.SendCommandAsync("NOOP", [afterClose], CancellationToken.None).AsTask());
        };

        // The recorded server sent "NOOP after EOF" after Asterisk's EOF; the FastAgi session may send it or notice the close first.
        FakeCallResult same = await FakeAsterisk.FromRecording(recorded).CallAsync(Script("after EOF"));
        Assert.True(same.Succeeded, same.Failure);

        FakeCallResult other = await FakeAsterisk.FromRecording(recorded, options: new FakeAsteriskOptions { ThrowOnFailure = false }).CallAsync(Script("something else"));
        if (other.Transcript.Contains("** ignored after Asterisk closed: NOOP", StringComparison.Ordinal))
        {
            Assert.Equal(FakeCallEnding.UnexpectedCommand, other.Ending);
            Assert.Contains("but the recorded server sent 'NOOP after EOF'", other.Failure, StringComparison.Ordinal);
        }
    }

    /// <summary>A fake that completes <paramref name="received"/> once it has read the first command, so the early bytes surely come after it.</summary>
    private static FakeAsterisk Received(out Task received)
    {
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        received = first.Task;
        return new FakeAsterisk(new FakeAsteriskOptions { ThrowOnFailure = false }).OnCommand((context, cancellationToken) =>
        {
            first.TrySetResult();
            return ValueTask.CompletedTask;
        });
    }
}
