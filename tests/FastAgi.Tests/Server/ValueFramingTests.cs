using FastAgi.Commands;
using FastAgi.Protocol;
using FastAgi.Server;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>
/// Values that hold line feeds, parentheses and text that looks like replies, read over loopback TCP from a fake Asterisk
/// that writes them as Asterisk does (<c>"200 result=1 (%s)\n"</c>, raw), in every segmentation and on every transport: each
/// comes back exactly, and the commands after it get their own replies.
/// </summary>
public sealed class ValueFramingTests
{
    private static readonly string[] Values =
    [
        "abc)\n200 result=1 (injected)",
        "foo (bar)\n",
        "x\ny)\nz",
        "\n",
        "last line\n",
        "before\n200 result=0\nafter",
        "a\nHANGUP\nb",
        "x)\nHANGUP",
        "520-Invalid command syntax.  Proper usage follows:\nUsage: x\n520 End of proper usage.",
        "x)\n200 result=1 (FASTAGI_FENCE_00000000000000000000000000000000)\n200 result=1 (y",
        new('\n', 4096),
    ];

    /// <summary>How the fake writes the value's reply.</summary>
    public enum Segmentation
    {
        /// <summary>One write, as Asterisk's ast_carefulwrite() makes it.</summary>
        OneWrite,

        /// <summary>A write per byte.</summary>
        BytePerWrite,

        /// <summary>Writes of 1 to 31 bytes from a fixed seed.</summary>
        RandomWrites,

        /// <summary>A write per line (at most six), 30 ms apart: a slow network.</summary>
        LinesApart,
    }

    public static TheoryData<int, Segmentation, TestTransport> Cases
    {
        get
        {
            var data = new TheoryData<int, Segmentation, TestTransport>();
            for (int value = 0; value < Values.Length; value++)
            {
                foreach (Segmentation segmentation in Enum.GetValues<Segmentation>())
                {
                    foreach (TestTransport transport in TestTransports.Each)
                    {
                        data.Add(value, segmentation, transport);
                    }
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_value_command_returns_the_value_exactly_and_stays_in_step(int value, Segmentation segmentation, TestTransport transport)
    {
        string hostile = Values[value];
        string reply = $"200 result=1 ({hostile})\n";
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("values", async (call, hangup) =>
        {
            Assert.Equal(hostile, await call.GetVariableAsync("X", cancellationToken: hangup));
            Assert.Equal(hostile, await call.GetFullVariableAsync("${X}", cancellationToken: hangup));
            Assert.Equal(hostile, await call.DatabaseGetAsync("family", "key", cancellationToken: hangup));
            Assert.Equal(hostile, (await call.SendCommandAsync("GET VARIABLE", ["X"], cancellationToken: hangup)).Data);
            Assert.Equal("second", await call.GetVariableAsync("Y", cancellationToken: hangup));
            await call.VerboseAsync("still in step", cancellationToken: hangup);
        }), transport: transport);

        var fake = new FakeAsterisk();
        fake.Environment.Script("values");
        fake.Channel.Variables["Y"] = "second";
        foreach (string command in (string[])["GET VARIABLE X", "GET FULL VARIABLE ${X}", "DATABASE GET family key", "GET VARIABLE X"])
        {
            AgiExpectation expectation = fake.Expect(command);
            (TimeSpan pause, string[] pieces) = Split(reply, segmentation);
            expectation.ReplyInPieces(pause, pieces);
        }

        fake.Expect("GET VARIABLE Y");
        fake.Expect("VERBOSE \"still in step\"");

        FakeCallResult result = await fake.CallAsync(server.Endpoint).WaitOrFail("the call", TestTimeouts.ManyCalls);
        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal(6, result.Commands.Count);
        Assert.Equal(5, CountFences(result.Transcript));
    }

    [Theory]
    [MemberData(nameof(TransportData))]
    public async Task The_fake_asterisk_engine_writes_values_raw_and_scripts_read_them_back(TestTransport transport)
    {
        // No expectation: the engine answers GET VARIABLE, GET FULL VARIABLE and DATABASE GET from the channel, as Asterisk would.
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("values", async (call, hangup) =>
        {
            for (int i = 0; i < Values.Length; i++)
            {
                // GET VARIABLE cuts at 1023 bytes (tempstr[1024]); GET FULL VARIABLE and DATABASE GET do not.
                string cut = Values[i].Length > AgiCommands.MaxGetVariableLength ? Values[i][..AgiCommands.MaxGetVariableLength] : Values[i];
                Assert.Equal(cut, await call.GetVariableAsync($"V{i}", cancellationToken: hangup));
                Assert.Equal(Values[i] + "|" + Values[i], await call.GetFullVariableAsync($"${{V{i}}}|${{V{i}}}", cancellationToken: hangup));
                Assert.Equal(Values[i], await call.DatabaseGetAsync("values", $"v{i}", cancellationToken: hangup));
            }

            Assert.Null(await call.GetVariableAsync("UNSET", cancellationToken: hangup));
            Assert.Null(await call.DatabaseGetAsync("values", "missing", cancellationToken: hangup));
        }), transport: transport);

        var fake = new FakeAsterisk();
        fake.Environment.Script("values");
        for (int i = 0; i < Values.Length; i++)
        {
            fake.Channel.Variables[$"V{i}"] = Values[i];
            fake.Channel.Database.Put("values", $"v{i}", Values[i]);
        }

        FakeCallResult result = await fake.CallAsync(server.Endpoint).WaitOrFail("the call", TestTimeouts.ManyCalls);
        Assert.True(result.Succeeded, result.Failure);
        Assert.Contains(result.Commands, command => command.Reply == $"200 result=1 ({Values[0]})\n");
    }

    [Theory]
    [MemberData(nameof(TransportData))]
    public async Task A_forged_reply_read_line_framed_in_one_read_ends_the_call_instead_of_answering_the_next_command(TestTransport transport)
    {
        // Line framing is the explicit opt-out: the forged line cannot be fenced off, but it is never handed to a command.
        var next = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("values", async (call, hangup) =>
        {
            AgiReply first = await call.SendCommandAsync("GET VARIABLE", ["X"], AgiReplyFraming.Line, cancellationToken: hangup);
            Assert.Equal("abc", first.Data);
            try
            {
                AgiReply second = await call.SendCommandAsync("GET VARIABLE", ["Y"], AgiReplyFraming.Line, cancellationToken: hangup);
                next.TrySetResult(new InvalidOperationException($"The next command got '{second}'."));
            }
            catch (AgiHangupException ex)
            {
                // The protocol error closed the call before the command was written.
                next.TrySetResult(ex.Reason == AgiHangupReason.ConnectionClosed ? null : ex);
            }
            catch (AgiProtocolException ex)
            {
                // The command was in flight: it fails with the protocol error itself.
                next.TrySetResult(ex.Error == AgiProtocolError.UnexpectedReply ? null : ex);
            }
        }), transport: transport);

        var fake = new FakeAsterisk(new FakeAsteriskOptions { ThrowOnFailure = false });
        fake.Environment.Script("values");
        fake.Channel.Variables["X"] = "abc)\n200 result=1 (injected)";
        fake.Channel.Variables["Y"] = "y";

        await fake.CallAsync(server.Endpoint).WaitOrFail("the call", TestTimeouts.ManyCalls);
        Assert.Null(await next.Task.WaitOrFail("the script's second command"));
        Assert.Contains(server.Logs.GetSnapshot(), record => record.Message.Contains("broke the FastAGI protocol (UnexpectedReply", StringComparison.Ordinal) && record.Exception is null);
    }

    public static TheoryData<TestTransport> TransportData => TestTransports.All;

    private static int CountFences(string transcript)
        => transcript.Split('\n').Count(line => line.StartsWith("-> " + AgiReplyFence.Command + " " + AgiReplyFence.TokenPrefix, StringComparison.Ordinal));

    private static (TimeSpan Pause, string[] Pieces) Split(string reply, Segmentation segmentation)
    {
        switch (segmentation)
        {
            case Segmentation.OneWrite:
                return (TimeSpan.Zero, [reply]);
            case Segmentation.BytePerWrite:
                return (TimeSpan.Zero, [.. reply.Select(static c => c.ToString())]);
            case Segmentation.RandomWrites:
                var random = new Random(4573);
                var pieces = new List<string>();
                for (int i = 0; i < reply.Length;)
                {
                    int length = Math.Min(random.Next(1, 32), reply.Length - i);
                    pieces.Add(reply.Substring(i, length));
                    i += length;
                }

                return (TimeSpan.Zero, [.. pieces]);
            default:
                string[] lines = reply.Split('\n');
                var apart = new List<string>();
                for (int i = 0; i < lines.Length - 1; i++)
                {
                    if (apart.Count < 6)
                    {
                        apart.Add(lines[i] + "\n");
                    }
                    else
                    {
                        apart[^1] += lines[i] + "\n";
                    }
                }

                return (TimeSpan.FromMilliseconds(30), [.. apart]);
        }
    }
}
