using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using FastAgi.Protocol;
using FastAgi.Server;
using FastAgi.Testing;
using FastAgi.Testing.Engine;
using FastAgi.Testing.Replay;
using Xunit;

namespace FastAgi.Tests.Support;

/// <summary>
/// A call recorded from real Asterisk, from the script's side: the commands the recorded server sent, each with the reply
/// Asterisk gave it, computed from the recorded bytes. <see cref="RunAsync"/> is a script that sends those commands and
/// checks every typed reply; <see cref="ReplayAsync"/> plays Asterisk's side with <see cref="FakeAsterisk.FromRecording"/>.
/// </summary>
public sealed class RecordedScript
{
    private readonly List<AgiReply?> _replies = [];

    private RecordedScript(AgiRecordedConnection connection, string uniqueId, List<ReplayStep> steps, bool hangupBeforeClose)
    {
        Connection = connection;
        UniqueId = uniqueId;
        Steps = steps;
        HangupBeforeClose = hangupBeforeClose;
    }

    /// <summary>The recorded connection.</summary>
    public AgiRecordedConnection Connection { get; }

    /// <summary>The call's <c>agi_uniqueid</c>, which tells concurrent replays apart.</summary>
    public string UniqueId { get; }

    /// <summary>The commands the script sends, with the replies the recording gives them.</summary>
    public IReadOnlyList<ReplayStep> Steps { get; }

    /// <summary>The recorded lines our writer never writes that way (tabs, needless escapes): the script sends the same words, written our way.</summary>
    public IReadOnlyList<string> NonCanonical => [.. Steps.Where(static step => !step.Canonical).Select(static step => step.Line)];

    /// <summary>The replies <see cref="RunAsync"/> received, one per step (<see langword="null"/> where the command threw).</summary>
    public IReadOnlyList<AgiReply?> Replies => _replies;

    /// <summary>Whether Asterisk wrote a <c>HANGUP</c> line before the recorded server closed.</summary>
    public bool HangupBeforeClose { get; }

    /// <summary>The main connections of <paramref name="scenario"/> (TestData/asterisk/<paramref name="scenario"/>.json).</summary>
    public static IReadOnlyList<AgiRecordedConnection> MainConnections(string scenario)
        => Recordings.Load(scenario).MainConnections;

    /// <summary>The script for every main connection of <paramref name="scenario"/>.</summary>
    public static IReadOnlyList<RecordedScript> LoadAll(string scenario) => [.. MainConnections(scenario).Select(From)];

    /// <summary>The script for the <paramref name="index"/>th main connection of <paramref name="scenario"/>.</summary>
    public static RecordedScript Load(string scenario, int index = 0) => From(MainConnections(scenario)[index]);

    /// <summary>Reads the commands and replies of one recorded connection, up to where the recorded server closed.</summary>
    public static RecordedScript From(AgiRecordedConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var steps = new List<ReplayStep>();
        var replyLines = new List<string>();
        bool inEnvironment = true, hangup = false, eof = false;
        string? pending = null;
        string uniqueId = string.Empty;
        foreach (AgiRecordedEvent e in connection.Events)
        {
            if (e.Kind == AgiRecordedEventKind.Note && (e.Data.StartsWith("server: close()", StringComparison.Ordinal) || e.Data.StartsWith("server: shutdown(", StringComparison.Ordinal)))
            {
                break;
            }

            if (inEnvironment)
            {
                if (e.Kind == AgiRecordedEventKind.AsteriskToServer)
                {
                    if (e.Data.StartsWith("agi_uniqueid: ", StringComparison.Ordinal))
                    {
                        uniqueId = e.Data["agi_uniqueid: ".Length..].TrimEnd('\n');
                    }

                    inEnvironment = e.Data != "\n";
                }

                continue;
            }

            switch (e.Kind)
            {
                case AgiRecordedEventKind.ServerToAsterisk:
                    foreach (string line in e.Data.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    {
                        FinishStep();
                        pending = Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(line));
                    }

                    break;
                case AgiRecordedEventKind.AsteriskToServer when e.Data == "HANGUP\n":
                    hangup = true;
                    break;
                case AgiRecordedEventKind.AsteriskToServer:
                    Assert.True(pending is not null, $"{connection}: Asterisk wrote '{e.Data}' with no command in flight.");
                    replyLines.AddRange(Encoding.UTF8.GetString(e.GetBytes()).Split('\n')[..^1]);
                    break;
                case AgiRecordedEventKind.EndOfStream:
                    FinishStep();
                    eof = true;
                    break;
            }
        }

        FinishStep();
        return new RecordedScript(connection, uniqueId, steps, hangup);

        void FinishStep()
        {
            if (pending is null)
            {
                return;
            }

            string line = pending;
            pending = null;
            IReadOnlyList<string> words = AsteriskTokenizer.Split(line);
            int commandWords = AsteriskCommands.Find(words)?.Words.Count ?? 1;
            string command = string.Join(' ', words.Take(commandWords));
            string[] arguments = [.. words.Skip(commandWords)];
            var written = new ArrayBufferWriter<byte>();
            AgiCommandWriter.Write(written, command, arguments);
            bool canonical = written.WrittenSpan.SequenceEqual(Encoding.UTF8.GetBytes(line + "\n"));

            List<string> lines = [.. replyLines.Where(static reply => !reply.StartsWith("100 ", StringComparison.Ordinal))];
            replyLines.Clear();
            if (lines.Count == 0)
            {
                Assert.True(eof, $"{connection}: '{line}' has no recorded reply; the recorded server did not wait for one, which ours never does.");
                steps.Add(new ReplayStep(line, command, arguments, canonical, ReplayOutcome.ConnectionClosed, 0, string.Empty, null));
                return;
            }

            int status = int.Parse(lines[0].AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture);
            steps.Add(status == 511
                ? new ReplayStep(line, command, arguments, canonical, ReplayOutcome.DeadChannel, status, lines[0][4..], null)

                // "520-Invalid command syntax.  Proper usage follows:", usage lines, "520 End of proper usage."
                : lines[0][3] == '-'
                    ? new ReplayStep(line, command, arguments, canonical, ReplayOutcome.Reply, status, lines[0][4..], string.Join('\n', lines[1..^1]))
                    : new ReplayStep(line, command, arguments, canonical, ReplayOutcome.Reply, status, string.Join('\n', lines)[4..], null));
        }
    }

    /// <summary>
    /// Plays Asterisk's side of the recording against the server at <paramref name="endpoint"/>, with the recorded pauses
    /// between the lines of a reply, and checks that every command our writer can write as recorded arrived byte for byte.
    /// </summary>
    /// <param name="endpoint">The server.</param>
    /// <param name="hangupRelease">Holds the first <c>HANGUP</c> line until it completes.</param>
    public async Task<FakeCallResult> ReplayAsync(IPEndPoint endpoint, Task? hangupRelease = null)
    {
        FakeAsterisk asterisk = FakeAsterisk.FromRecording(
            Connection,
            AgiReplayMatch.SameWords,
            new FakeAsteriskOptions { Timeout = TestTimeouts.Default, ReplayPauses = true });
        if (hangupRelease is not null)
        {
            asterisk.HoldHangupUntil(hangupRelease);
        }

        FakeCallResult call = await asterisk.CallAsync(endpoint).WaitOrFail($"the replay of {Connection}", TestTimeouts.Default * 3);
        for (int i = 0; i < call.Commands.Count; i++)
        {
            if (Steps[i].Canonical)
            {
                Assert.Equal(Steps[i].Line, call.Commands[i].Line);
            }
        }

        return call;
    }

    /// <summary>
    /// Starts a server that runs <paramref name="script"/> for <paramref name="path"/>, replays the <paramref name="index"/>th
    /// main connection of <paramref name="scenario"/> against it (see <see cref="ReplayAsync"/>) and waits for the script to end.
    /// <paramref name="hangupGate"/>, when given, holds the first <c>HANGUP</c> line until it completes, so a script can check
    /// that the token has not fired before the line was even written.
    /// </summary>
    public static Task<FakeCallResult> ReplayWithScriptAsync(string scenario, string path, TestScript script, Task? hangupGate = null, int index = 0)
        => Load(scenario, index).ReplayWithScriptAsync(path, script, hangupGate);

    /// <inheritdoc cref="ReplayWithScriptAsync(string, string, TestScript, Task?, int)"/>
    public async Task<FakeCallResult> ReplayWithScriptAsync(string path, TestScript script, Task? hangupGate = null)
    {
        ArgumentNullException.ThrowIfNull(script);
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript(path, script.RunAsync));
        FakeCallResult call;
        try
        {
            // A script that fails before opening the gate must fail the test with its own message, not a timeout here.
            call = await ReplayAsync(server.Endpoint, hangupGate is null ? null : Task.WhenAny(hangupGate, script.Completion));
        }
        catch (FakeAsteriskAssertionException) when (script.Completion.IsFaulted)
        {
            await script.Completion;
            throw;
        }

        await script.WaitAsync();
        return call;
    }

    /// <summary>A script for the server that sends the recorded commands and checks each reply against the recording.</summary>
    public async Task RunAsync(AgiSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        foreach (ReplayStep step in Steps)
        {
            string what = $"{Connection} ({UniqueId}): the reply to '{step.Line}'";
            (AgiReply? reply, AgiHangupException? error) = await SendAsync(session, step).WaitOrFail(what);
            _replies.Add(reply);
            switch (step.Outcome)
            {
                case ReplayOutcome.Reply:
                    Assert.True(reply is not null, $"{what}: expected {step.StatusCode} {step.Text}, got {error}");
                    Assert.Equal(step.StatusCode, reply.StatusCode);
                    Assert.Equal(step.Text, reply.Text);
                    Assert.Equal(step.Usage, reply.Usage);
                    break;
                default:
                    AgiHangupException hangup = Assert.IsType<AgiHangupException>(error);
                    Assert.Equal(step.Outcome == ReplayOutcome.DeadChannel ? AgiHangupReason.DeadChannel : AgiHangupReason.ConnectionClosed, hangup.Reason);
                    break;
            }
        }

        if (HangupBeforeClose)
        {
            // Every byte Asterisk wrote must be consumed before the server closes, or the close becomes a reset.
            await cancellationToken.WhenCancelled().WaitOrFail($"{Connection} ({UniqueId}): the HANGUP line to fire the hangup token");
        }
    }

    private static async Task<(AgiReply? Reply, AgiHangupException? Error)> SendAsync(AgiSession session, ReplayStep step)
    {
        try
        {
            return (await session.SendCommandAsync(step.Command, step.Arguments), null);
        }
        catch (AgiHangupException ex)
        {
            return (null, ex);
        }
    }
}
