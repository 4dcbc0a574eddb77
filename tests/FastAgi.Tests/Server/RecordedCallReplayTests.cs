using FastAgi.Testing;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>
/// Every recorded call a server that waits for replies can reproduce, replayed over loopback TCP by FastAgi.Testing's fake
/// Asterisk (<see cref="FakeAsterisk.FromRecording"/>): a generic script sends the recorded commands, the fake checks them,
/// answers with Asterisk's recorded bytes (with the recorded pauses between the lines of a reply), and the script checks
/// each typed reply against the recorded reply text.
/// </summary>
/// <remarks>
/// Left out: 02g, 02h, 02i, 02n and 03a, whose recorded server sent commands before the previous reply (ours never
/// does), 02j and 02k (their recorded server quotes <c>#</c>, ours does not), 05d and 05e (garbage and <c>failure</c> lines
/// our writer refuses). Calls of one recording (01d, 06) are replayed concurrently. A recorded line our writer writes
/// differently (tabs, needless escapes) is sent as the same words written our way; every other line must arrive byte for byte.
/// </remarks>
public class RecordedCallReplayTests
{
    /// <summary>Scenario and the number of recorded command lines our writer never writes that way.</summary>
    public static TheoryData<string, int> Scenarios => new()
    {
        { "01a-env-basic", 0 },
        { "01b-env-args-quoting", 0 },
        { "01c-env-25-args", 0 },
        { "01d-env-url-variants", 0 },
        { "01e-env-unanswered", 0 },
        { "01f-env-130-args", 0 },
        { "02a-basic-answer-status-noop-verbose", 1 },
        { "02b-set-get-variable-quoting", 6 },
        { "02c-database", 0 },
        { "02d-exec", 0 },
        { "02e-exec-agiexecfull", 0 },
        { "02f-gosub", 0 },
        { "02l-channel-misc", 0 },
        { "02m-set-context-extension-priority", 0 },
        { "03b-520-single-line-without-xmldocs", 0 },
        { "04a-hangup-while-idle", 0 },
        { "04b-hangup-during-stream-file", 0 },
        { "04c-hangup-during-wait-for-digit", 0 },
        { "04d-hangup-during-get-data", 0 },
        { "04e-hangup-command", 0 },
        { "04f-hangup-other-channel", 0 },
        { "04g-channel-request-hangup-cli", 0 },
        { "04h-set-autohangup", 0 },
        { "04i-agiexitonhangup", 0 },
        { "04j-agisighup-no", 0 },
        { "04k-exec-hangup", 0 },
        { "05a-server-closes-after-env", 0 },
        { "05f-server-never-answers", 0 },
        { "05g-half-close-after-commands", 0 },
        { "06-concurrent-20-calls", 0 },
    };

    /// <summary>Every scenario on every transport.</summary>
    public static TheoryData<string, int, TestTransport> ScenariosOnEachTransport
    {
        get
        {
            var data = new TheoryData<string, int, TestTransport>();
            foreach (object[] scenario in Scenarios)
            {
                foreach (TestTransport transport in TestTransports.Each)
                {
                    data.Add((string)scenario[0], (int)scenario[1], transport);
                }
            }

            return data;
        }
    }

    [Fact]
    public void Thirty_recordings_are_replayed()
        => Assert.Equal(30, Scenarios.Count);

    [Theory]
    [MemberData(nameof(ScenariosOnEachTransport))]
    public async Task Server_writes_the_recorded_commands_and_reads_the_recorded_replies(string scenario, int nonCanonicalLines, TestTransport transport)
    {
        IReadOnlyList<RecordedScript> scripts = RecordedScript.LoadAll(scenario);
        Assert.Equal(nonCanonicalLines, scripts.Sum(r => r.NonCanonical.Count));
        Dictionary<string, (RecordedScript Recorded, TestScript Script)> calls = scripts.ToDictionary(
            r => r.UniqueId,
            r => (r, new TestScript(r.RunAsync)));

        // The recordings use several script paths (and 01d none at all): every call lands on the fallback.
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapFallback((session, cancellationToken) =>
            calls[session.Request.UniqueId!].Script.RunAsync(session, cancellationToken)), transport: transport);

        await Task.WhenAll(calls.Values.Select(async call =>
        {
            FakeCallResult result = await call.Recorded.ReplayAsync(server.Endpoint);
            await call.Script.WaitAsync();
            Assert.Equal(call.Recorded.Steps.Count(step => step.Outcome != ReplayOutcome.ConnectionClosed), result.Commands.Count);
            Assert.Empty(result.UnmetExpectations);
        })).WaitOrFail($"the replay of {scenario}", TestTimeouts.ManyCalls);
    }
}
