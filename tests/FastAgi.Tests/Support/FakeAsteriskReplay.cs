using System.Globalization;
using System.Text;
using FastAgi.Protocol;
using FastAgi.Server;
using Xunit;

namespace FastAgi.Tests.Support;

/// <summary>
/// Replays one recorded connection of real Asterisk against the server: the fake Asterisk writes the recorded A->S bytes
/// (one write per recorded write) and reads back, byte for byte, every S->A line the recorded server wrote; a script
/// (<see cref="RunScriptAsync"/> or a hand-written one) makes our server issue the same commands.
/// </summary>
/// <remarks>
/// The replay ends where the recorded server closed or half-closed its socket: from there on the fake expects our server to
/// close the connection. Commands the server wrote after Asterisk's EOF are not awaited (Asterisk never read them): a script
/// gets <see cref="ReplayOutcome.ConnectionClosed"/> for them, and whatever bytes reach the fake must be a prefix of them.
/// </remarks>
public sealed class FakeAsteriskReplay
{
    // Asterisk writes each line of a multi-line reply (a 520 usage block, GOSUB's 100 then 200) separately and without
    // TCP_NODELAY, so the lines arrive ~40 ms apart (§5 of PROTOCOL-NOTES.md); the replay reproduces that pause.
    private static readonly TimeSpan LinePause = TimeSpan.FromMilliseconds(40);
    private static readonly byte[] HangupLine = "HANGUP\n"u8.ToArray();

    private readonly List<RecordedEvent> _events;
    private readonly List<ReplayStep> _steps;
    private readonly List<string> _omitted;
    private readonly List<AgiReply?> _replies = [];

    private FakeAsteriskReplay(string scenario, List<RecordedEvent> events, List<ReplayStep> steps, List<string> omitted, string uniqueId, bool hangupBeforeClose, bool asteriskCloses)
    {
        Scenario = scenario;
        _events = events;
        _steps = steps;
        _omitted = omitted;
        UniqueId = uniqueId;
        HangupBeforeClose = hangupBeforeClose;
        AsteriskCloses = asteriskCloses;
    }

    /// <summary>The recording's scenario name.</summary>
    public string Scenario { get; }

    /// <summary>The call's <c>agi_uniqueid</c>, which tells concurrent replays apart.</summary>
    public string UniqueId { get; }

    /// <summary>The commands the server must issue, with the replies the recording gives them.</summary>
    public IReadOnlyList<ReplayStep> Steps => _steps;

    /// <summary>The recorded commands left out because our writer never produces them (with their replies).</summary>
    public IReadOnlyList<string> Omitted => _omitted;

    /// <summary>The replies <see cref="RunScriptAsync"/> received, one per step (<see langword="null"/> where the command threw).</summary>
    public IReadOnlyList<AgiReply?> Replies => _replies;

    /// <summary>Whether Asterisk wrote a <c>HANGUP</c> line before the recorded server closed.</summary>
    public bool HangupBeforeClose { get; }

    /// <summary>Whether Asterisk closed its side (EOF) before the recorded server did.</summary>
    public bool AsteriskCloses { get; }

    /// <summary>The plans for every connection of role <c>main</c> in <paramref name="scenario"/>.</summary>
    public static IReadOnlyList<FakeAsteriskReplay> LoadAll(string scenario, bool omitNonCanonical = false)
        => [.. Recording.Load(scenario).Main.Select(c => From(scenario, c, omitNonCanonical))];

    /// <summary>The plan for the single connection of role <c>main</c> in <paramref name="scenario"/> (or the <paramref name="index"/>th one).</summary>
    public static FakeAsteriskReplay Load(string scenario, int index = 0, bool omitNonCanonical = false)
        => From(scenario, Recording.Load(scenario).Main.ElementAt(index), omitNonCanonical);

    /// <summary>Builds the plan for one recorded connection.</summary>
    /// <param name="scenario">The scenario name, for messages.</param>
    /// <param name="connection">The recorded connection.</param>
    /// <param name="omitNonCanonical">Leave out commands our writer cannot produce, with their replies; otherwise such a command is an error.</param>
    public static FakeAsteriskReplay From(string scenario, RecordedConnection connection, bool omitNonCanonical = false)
    {
        var events = new List<RecordedEvent>();
        var steps = new List<ReplayStep>();
        var omitted = new List<string>();
        bool inEnvironment = true, skippingReply = false, hangup = false, eof = false;
        RecordedCommand? pending = null;
        var replyLines = new List<string>();
        string uniqueId = string.Empty;

        foreach (RecordedEvent e in connection.Events)
        {
            if (e.Kind == "NOTE" && (e.Data.StartsWith("server: close()", StringComparison.Ordinal) || e.Data.StartsWith("server: shutdown(", StringComparison.Ordinal)))
            {
                break;
            }

            if (inEnvironment)
            {
                if (e.Kind == "A->S")
                {
                    events.Add(e);
                    if (e.Data.StartsWith("agi_uniqueid: ", StringComparison.Ordinal))
                    {
                        uniqueId = e.Data["agi_uniqueid: ".Length..].TrimEnd('\n');
                    }

                    inEnvironment = e.Bytes is not [(byte)'\n'];
                }

                continue;
            }

            switch (e.Kind)
            {
                case "S->A":
                    FinishStep();
                    if (!RecordedCommand.TryParse(e.Bytes, out pending))
                    {
                        if (!omitNonCanonical)
                        {
                            throw new InvalidOperationException($"{scenario}: the recorded line '{FakeAsteriskClient.Escape(e.Bytes)}' is not in the form our writer produces.");
                        }

                        omitted.Add(e.Data);
                        skippingReply = true;
                        continue;
                    }

                    skippingReply = false;
                    events.Add(e);
                    break;
                case "A->S" when e.Bytes.AsSpan().SequenceEqual(HangupLine):
                    hangup = true;
                    events.Add(e);
                    break;
                case "A->S":
                    if (skippingReply)
                    {
                        continue;
                    }

                    if (pending is null)
                    {
                        throw new InvalidOperationException($"{scenario}: Asterisk wrote '{FakeAsteriskClient.Escape(e.Bytes)}' with no command in flight.");
                    }

                    events.Add(e);
                    replyLines.AddRange(Encoding.UTF8.GetString(e.Bytes).Split('\n', StringSplitOptions.None)[..^1]);
                    break;
                case "EOF":
                    FinishStep();
                    eof = true;
                    events.Add(e);
                    break;
            }
        }

        FinishStep();
        return new FakeAsteriskReplay(scenario, events, steps, omitted, uniqueId, hangup, eof);

        void FinishStep()
        {
            if (pending is null)
            {
                return;
            }

            List<string> lines = [.. replyLines.Where(line => !line.StartsWith("100 ", StringComparison.Ordinal))];
            replyLines.Clear();
            RecordedCommand command = pending;
            pending = null;
            if (lines.Count == 0)
            {
                if (!eof)
                {
                    throw new InvalidOperationException($"{scenario}: '{command}' has no recorded reply; the recorded server did not wait for one, which ours never does.");
                }

                steps.Add(new ReplayStep(command, ReplayOutcome.ConnectionClosed, 0, string.Empty, null));
                return;
            }

            int status = int.Parse(lines[0].AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture);
            if (status == 511)
            {
                steps.Add(new ReplayStep(command, ReplayOutcome.DeadChannel, status, lines[0][4..], null));
            }
            else if (lines[0][3] == '-')
            {
                // "520-Invalid command syntax.  Proper usage follows:", usage lines, "520 End of proper usage."
                steps.Add(new ReplayStep(command, ReplayOutcome.Reply, status, lines[0][4..], string.Join('\n', lines[1..^1])));
            }
            else
            {
                steps.Add(new ReplayStep(command, ReplayOutcome.Reply, status, string.Join('\n', lines)[4..], null));
            }
        }
    }

    /// <summary>Plays the Asterisk side through <paramref name="client"/>, then checks that the server closes the connection.</summary>
    /// <param name="client">A connected fake Asterisk.</param>
    /// <param name="beforeAsteriskWrite">Awaited before each recorded A->S write after the environment: a test gates a <c>HANGUP</c> line on its script's progress with it.</param>
    public async Task RunAsync(FakeAsteriskClient client, Func<RecordedEvent, Task>? beforeAsteriskWrite = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        bool eof = false, inEnvironment = true, multiLine = false;
        double lastWrite = 0;
        var afterEof = new List<byte>();
        foreach (RecordedEvent e in _events)
        {
            switch (e.Kind)
            {
                case "A->S":
                    if (!inEnvironment)
                    {
                        if (multiLine && e.Time - lastWrite >= 0.02)
                        {
                            await Task.Delay(LinePause);
                        }

                        if (beforeAsteriskWrite is not null)
                        {
                            await beforeAsteriskWrite(e).WaitOrFail($"the test to let the fake Asterisk write '{FakeAsteriskClient.Escape(e.Bytes)}'");
                        }
                    }

                    await client.SendAsync(e.Bytes);
                    inEnvironment &= e.Bytes is not [(byte)'\n'];
                    multiLine = e.Data.StartsWith("520-", StringComparison.Ordinal) || e.Data.StartsWith("100 ", StringComparison.Ordinal)
                        || (multiLine && !e.Data.StartsWith("520 ", StringComparison.Ordinal) && !e.Data.StartsWith("200 ", StringComparison.Ordinal));
                    lastWrite = e.Time;
                    break;
                case "S->A" when eof:
                    afterEof.AddRange(e.Bytes);
                    break;
                case "S->A":
                    await client.ExpectAsync(e.Bytes);
                    break;
                case "EOF":
                    client.ShutdownSend();
                    eof = true;
                    break;
            }
        }

        if (!eof)
        {
            await client.ExpectClosedAsync();
            return;
        }

        // Asterisk closed first: the server may still write the commands its script issued before it noticed, and it may
        // close before reading our last bytes (a reset instead of a FIN), which is immaterial once Asterisk has gone.
        byte[] rest = await client.ReadToEndAsync(allowReset: true);
        Assert.True(
            afterEof.Take(rest.Length).SequenceEqual(rest),
            $"After Asterisk's EOF the server sent '{FakeAsteriskClient.Escape(rest)}', which is not a prefix of the recorded '{FakeAsteriskClient.Escape([.. afterEof])}'.");
    }

    /// <summary>
    /// Starts a server that runs <paramref name="script"/> for <paramref name="path"/>, replays this call against it and waits
    /// for the script to end. <paramref name="hangupGate"/>, when given, holds the first <c>HANGUP</c> line until it completes,
    /// so a script can check that the token has not fired before the line was even written.
    /// </summary>
    public async Task RunWithScriptAsync(string path, TestScript script, Task? hangupGate = null)
    {
        ArgumentNullException.ThrowIfNull(script);
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript(path, script.RunAsync));
        await using FakeAsteriskClient asterisk = await server.ConnectAsync();
        try
        {
            // A script that fails before opening the gate must fail the test with its own message, not a timeout here.
            await RunAsync(asterisk, e => hangupGate is not null && e.Bytes.AsSpan().SequenceEqual(HangupLine)
                ? Task.WhenAny(hangupGate, script.Completion)
                : Task.CompletedTask);
        }
        catch (Exception) when (script.Completion.IsFaulted)
        {
            await script.Completion;
        }

        await script.WaitAsync();
    }

    /// <summary>A script for the server that issues the recorded commands and checks each reply against the recording.</summary>
    public async Task RunScriptAsync(AgiSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        foreach (ReplayStep step in _steps)
        {
            string what = $"{Scenario} ({UniqueId}): the reply to '{step.Command}'";
            Outcome result = await SendAsync(session, step.Command).WaitOrFail(what);
            _replies.Add(result.Reply);
            switch (step.Outcome)
            {
                case ReplayOutcome.Reply:
                    Assert.True(result.Reply is not null, $"{what}: expected {step.StatusCode} {step.Text}, got {result.Error}");
                    Assert.Equal(step.StatusCode, result.Reply!.StatusCode);
                    Assert.Equal(step.Text, result.Reply.Text);
                    Assert.Equal(step.Usage, result.Reply.Usage);
                    break;
                default:
                    AgiHangupException hangup = Assert.IsType<AgiHangupException>(result.Error);
                    Assert.Equal(step.Outcome == ReplayOutcome.DeadChannel ? AgiHangupReason.DeadChannel : AgiHangupReason.ConnectionClosed, hangup.Reason);
                    break;
            }
        }

        if (HangupBeforeClose)
        {
            // Every byte Asterisk wrote must be consumed before the server closes, or the close becomes a reset.
            await cancellationToken.WhenCancelled().WaitOrFail($"{Scenario} ({UniqueId}): the HANGUP line to fire the hangup token");
        }
    }

    private static async Task<Outcome> SendAsync(AgiSession session, RecordedCommand command)
    {
        try
        {
            return new(await session.SendCommandAsync(command.Command, command.Arguments), null);
        }
        catch (AgiHangupException ex)
        {
            return new(null, ex);
        }
    }

    private readonly record struct Outcome(AgiReply? Reply, AgiHangupException? Error);
}
