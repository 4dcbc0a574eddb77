using System.Text;
using FastAgi.Protocol;
using FastAgi.Server;
using FastAgi.Testing.Engine;
using FastAgi.Testing.Replay;
using FastAgi.Testing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FastAgi.Testing.Tests.Replay;

/// <summary>Recordings of real Asterisk replayed against FastAgi scripts: the fake sends Asterisk's recorded bytes and checks the script's commands.</summary>
public sealed class ReplayTests
{
    /// <summary>Every recording a well-behaved server can reproduce (the others pipeline, or send CR, NUL or a 'failure' line on purpose).</summary>
    public static TheoryData<string, int> Replayable => new()
    {
        { "02a-basic-answer-status-noop-verbose", 0 },
        { "02b-set-get-variable-quoting", 0 },
        { "02c-database", 0 },
        { "02d-exec", 0 },
        { "02e-exec-agiexecfull", 0 },
        { "02f-gosub", 0 },
        { "02j-record-file", 0 },
        { "02k-record-file-dtmf", 0 },
        { "02l-channel-misc", 0 },
        { "02m-set-context-extension-priority", 0 },
        { "04a-hangup-while-idle", 0 },
        { "04b-hangup-during-stream-file", 0 },
        { "04c-hangup-during-wait-for-digit", 0 },
        { "04d-hangup-during-get-data", 0 },
        { "04e-hangup-command", 0 },
        { "04f-hangup-other-channel", 0 },
        { "04g-channel-request-hangup-cli", 0 },
        { "04h-set-autohangup", 0 },
        { "04h-set-autohangup", 1 },
        { "04i-agiexitonhangup", 0 },
        { "04i-agiexitonhangup", 1 },
        { "04j-agisighup-no", 0 },
        { "04k-exec-hangup", 0 },
        { "05a-server-closes-after-env", 0 },
        { "05a-server-closes-after-env", 1 },
        { "05f-server-never-answers", 0 },
        { "05g-half-close-after-commands", 0 },
    };

    [Theory]
    [MemberData(nameof(Replayable))]
    public async Task A_script_that_sends_the_recorded_commands_passes_the_replay(string scenario, int connection)
    {
        AgiRecordedConnection recorded = Recordings.Load(scenario).MainConnections[connection];
        var script = new EchoScript(RecordedCommands(recorded));
        FakeCallResult call = await FakeAsterisk.FromRecording(recorded).CallAsync(script.RunAsync);

        Assert.True(call.Succeeded, call.Failure);
        Assert.Empty(call.UnmetExpectations);
        Assert.All(call.Commands, static command => Assert.NotNull(command.Expectation));
    }

    [Fact]
    public async Task The_script_gets_Asterisks_recorded_replies()
    {
        AgiRecordedConnection recorded = Recordings.Load("02b-set-get-variable-quoting").Main;
        var script = new EchoScript(RecordedCommands(recorded));
        await FakeAsterisk.FromRecording(recorded).CallAsync(script.RunAsync);

        Assert.Contains("200 result=1 (say \"hi\" now)", script.Replies);
        Assert.Contains("200 result=1 (café ☃)", script.Replies);
        Assert.Contains("200 result=1 (line1\nline2)", script.Replies);
        Assert.Equal("Sets a variable to the current channel.", script.Usages.First());
    }

    [Fact]
    public async Task A_script_that_strays_from_the_recording_fails_with_the_recorded_command()
    {
        AgiRecordedConnection recorded = Recordings.Load("02c-database").Main;
        var failure = await Assert.ThrowsAsync<FakeAsteriskAssertionException>(() => FakeAsterisk.FromRecording(recorded).CallAsync(static async (session, hangup) =>
        {
            await session.SendCommandAsync("DATABASE DELTREE", ["golden"], hangup);
            await session.SendCommandAsync("DATABASE PUT", ["golden", "key1", "other"], hangup);
        }));

        Assert.Equal(FakeCallEnding.UnexpectedCommand, failure.Result!.Ending);
        Assert.Contains("expected: DATABASE PUT golden key1 value1", failure.Message, StringComparison.Ordinal);
        Assert.Contains("actual:   DATABASE PUT golden key1 other", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exact_matching_compares_bytes_where_same_words_accepts_other_quoting()
    {
        AgiRecordedConnection canonical = Recordings.Load("02c-database").Main;
        FakeCallResult exact = await FakeAsterisk.FromRecording(canonical, AgiReplayMatch.ExactBytes).CallAsync(new EchoScript(RecordedCommands(canonical)).RunAsync);
        Assert.True(exact.Succeeded, exact.Failure);

        // The recording quotes the escape digits ("#*"); FastAgi's writer sends them bare.
        AgiRecordedConnection quoted = Recordings.Load("02k-record-file-dtmf").Main;
        FakeCallResult words = await FakeAsterisk.FromRecording(quoted).CallAsync(new EchoScript(RecordedCommands(quoted)).RunAsync);
        Assert.True(words.Succeeded, words.Failure);
        var failure = await Assert.ThrowsAsync<FakeAsteriskAssertionException>(() => FakeAsterisk.FromRecording(quoted, AgiReplayMatch.ExactBytes).CallAsync(new EchoScript(RecordedCommands(quoted)).RunAsync));
        Assert.Contains("expected: RECORD FILE /var/spool/asterisk/recording/r9-dtmf wav \"#*\" 10000", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("02g-stream-control-getoption")]
    [InlineData("02h-waitfordigit-getdata")]
    [InlineData("02n-interrupt-by-new-command")]
    public void A_recording_with_commands_sent_early_cannot_be_replayed(string scenario)
    {
        var refused = Assert.Throws<NotSupportedException>(() => FakeAsterisk.FromRecording(Recordings.Load(scenario).Main));
        Assert.Contains("has no reply", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replay_over_tcp()
    {
        AgiRecordedConnection recorded = Recordings.Load("04b-hangup-during-stream-file").Main;
        var script = new EchoScript(RecordedCommands(recorded));
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddFastAgi(static options => options.Listen = "127.0.0.1:0").MapFallback(script.RunAsync);
        using IHost host = builder.Build();
        await host.StartAsync();
        try
        {
            FakeCallResult call = await FakeAsterisk.FromRecording(recorded).CallAsync(host.Services.GetRequiredService<AgiServer>().Endpoints[0]);
            Assert.True(call.Succeeded, call.Failure);
            Assert.Equal(["200 result=-1 endpos=12160", "(hangup)"], script.Replies);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void Recordings_parse_with_their_bytes()
    {
        AgiRecording recording = Recordings.Load("03a-errors-510-520-parsing");
        Assert.Equal("03a-errors-510-520-parsing", recording.Scenario);
        AgiRecordedEvent binary = recording.Main.Events.First(static e => e.Data.StartsWith("SET VARIABLE BIN", StringComparison.Ordinal));
        Assert.Equal([.. "SET VARIABLE BIN "u8, 0xff, 0xfe, 0x80, 0xe9, (byte)'\n'], binary.GetBytes());
        Assert.Throws<FormatException>(() => AgiRecording.Parse("{}"));
    }

    /// <summary>The command lines the recorded server sent (as UTF-8 text), up to its close.</summary>
    private static List<string> RecordedCommands(AgiRecordedConnection connection)
    {
        var commands = new List<string>();
        foreach (AgiRecordedEvent e in connection.Events)
        {
            if (e.Kind == AgiRecordedEventKind.Note && e.Data.StartsWith("server: ", StringComparison.Ordinal) && e.Data.Contains("close", StringComparison.Ordinal) || e.Data.StartsWith("server: shutdown", StringComparison.Ordinal))
            {
                break;
            }

            if (e.Kind == AgiRecordedEventKind.ServerToAsterisk)
            {
                commands.Add(Encoding.UTF8.GetString(e.GetBytes()).TrimEnd('\n'));
            }
        }

        return commands;
    }

    /// <summary>Sends each recorded command line through <see cref="AgiSession.SendCommandAsync(string, IReadOnlyList{string}, CancellationToken)"/>, its words as Asterisk reads them.</summary>
    private sealed class EchoScript(IReadOnlyList<string> lines)
    {
        public List<string> Replies { get; } = [];

        public List<string> Usages { get; } = [];

        public async Task RunAsync(AgiSession session, CancellationToken hangup)
        {
            foreach (string line in lines)
            {
                IReadOnlyList<string> words = AsteriskTokenizer.Split(line);
                int commandWords = AsteriskCommands.Find(words)?.Words.Count ?? 1;
                try
                {
                    AgiReply reply = await session.SendCommandAsync(string.Join(' ', words.Take(commandWords)), [.. words.Skip(commandWords)], CancellationToken.None);
                    Replies.Add(reply.ToString());
                    if (reply.Usage is { } usage)
                    {
                        Usages.Add(usage);
                    }
                }
                catch (AgiHangupException)
                {
                    Replies.Add("(hangup)");
                }
            }
        }
    }
}
