using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using FastAgi.Classic;
using FastAgi.Protocol;
using FastAgi.Testing.Engine;
using FastAgi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FastAgi.Tests.Classic;

/// <summary>
/// The classic AGI recordings of real Asterisk 22.10.1 (TestData/asterisk/classic, from ../shared/asterisk/classic) replayed
/// in-process: Asterisk's side writes the recorded environment, replies, SIGHUP and end of stdin in their recorded order,
/// and a script sends the recorded commands through FastAgi's classic transport, which must write each one as the recorded
/// script did and hand the script each recorded reply.
/// </summary>
public class ClassicReplayTests
{
    private const string DeadChannel = "511 (AgiHangupException: dead channel)";

    public static TheoryData<string, int> Connections()
    {
        var data = new TheoryData<string, int>();
        foreach (string path in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "asterisk", "classic"), "*.json").Order(StringComparer.Ordinal))
        {
            using JsonDocument recording = JsonDocument.Parse(File.ReadAllBytes(path));
            int index = 0;
            foreach (JsonElement connection in recording.RootElement.GetProperty("connections").EnumerateArray())
            {
                if (Replayable(connection))
                {
                    data.Add(Path.GetFileNameWithoutExtension(path), index);
                }

                index++;
            }
        }

        return data;
    }

    [Fact]
    public void Every_recording_with_a_script_is_replayed_but_what_FastAgi_never_writes()
    {
        // Left out, each for a reason: no process ran (c04 NOTFOUND and no execute bit), the recorded script pipelined,
        // split or CR-ended its commands (c07), wrote the 'failure' line itself (c06 run 1), or went on writing into the pipe
        // Asterisk had closed (c02 run 3, AGIEXITONHANGUP); the other 12 of the 17 are replayed.
        Assert.Equal(12, Connections().Count);
    }

    [Theory]
    [MemberData(nameof(Connections))]
    public async Task The_recorded_conversation_replays(string scenario, int index)
    {
        using JsonDocument recording = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "asterisk", "classic", scenario + ".json")));
        JsonElement[] events = [.. recording.RootElement.GetProperty("connections")[index].GetProperty("events").EnumerateArray()];
        string[] commands = [.. events.Where(static e => e.GetProperty("kind").GetString() == "S->A").Select(static e => e.GetProperty("data").GetString()!)];

        var replies = new List<string>();
        bool sawHangup = false;
        var services = new ServiceCollection();
        services.AddFastAgi().MapFallback(async (call, hangup) =>
        {
            foreach (string line in commands)
            {
                IReadOnlyList<string> words = AsteriskTokenizer.Split(line.TrimEnd('\n'));
                try
                {
                    AgiReply reply = await call.SendCommandAsync(words[0], [.. words.Skip(1)], FastAgi.Server.AgiReplyFraming.Line, CancellationToken.None);
                    replies.Add(reply.ToString());
                }
                catch (FastAgi.Server.AgiHangupException ex) when (ex.Reason == FastAgi.Server.AgiHangupReason.DeadChannel)
                {
                    // After the hangup Asterisk's 511 is an AgiHangupException; the recorded script went on, and so does this one.
                    replies.Add(DeadChannel);
                }
            }

            sawHangup = hangup.IsCancellationRequested;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        var toScript = new Pipe();
        var fromScript = new Pipe();
        using var sighup = new CancellationTokenSource();
        Task<int> run = AgiClassic.RunAsync(provider, toScript.Reader, fromScript.Writer.AsStream(), routeArgument: 0, sighup.Token, CancellationToken.None);
        using var written = new StreamReader(fromScript.Reader.AsStream(), Encoding.UTF8);

        var expectedReplies = new List<string>();
        var reply = new StringBuilder();
        int command = 0;
        foreach (JsonElement item in events)
        {
            string kind = item.GetProperty("kind").GetString()!;
            string data = item.GetProperty("data").GetString()!;
            switch (kind)
            {
                case "A->S":
                    await toScript.Writer.WriteAsync(Encoding.UTF8.GetBytes(data));
                    reply.Append(data);
                    break;
                case "S->A":
                    Flush(reply, expectedReplies, command);
                    string? sent = await written.ReadLineAsync().WaitAsync(TestTimeouts.Default);
                    Assert.Equal(AsteriskTokenizer.Split(data.TrimEnd('\n')), AsteriskTokenizer.Split(sent!));
                    command++;
                    break;
                case "NOTE" when data == "signal SIGHUP received":
                    await sighup.CancelAsync();
                    break;
                case "EOF":
                    await toScript.Writer.CompleteAsync();
                    break;
            }
        }

        Flush(reply, expectedReplies, command);
        await toScript.Writer.CompleteAsync();
        int exit = await run.WaitAsync(TestTimeouts.Default);

        Assert.Null(await written.ReadLineAsync().WaitAsync(TestTimeouts.Default));
        Assert.Equal(AgiClassic.Completed, exit);
        Assert.Equal(expectedReplies, replies);
        // The script learns of the hangup from SIGHUP, or (AGISIGHUP=no) from Asterisk's 511.
        Assert.Equal(events.Any(static e => e.GetProperty("data").GetString() == "signal SIGHUP received") || expectedReplies.Contains(DeadChannel), sawHangup);
    }

    /// <summary>The reply Asterisk wrote after command <paramref name="command"/> (none before the first: that is the environment), as the script sees it.</summary>
    private static void Flush(StringBuilder reply, List<string> replies, int command)
    {
        if (command > 0)
        {
            // A 520 usage block reads as its first line; GOSUB's "100 result=0 Trying..." as the 200 line after it.
            string[] lines = reply.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            string first = lines[0];
            replies.Add(first.StartsWith("100 ", StringComparison.Ordinal) ? lines[^1]
                : first.StartsWith("520-", StringComparison.Ordinal) ? "520 " + first[4..]
                : first.StartsWith("511 ", StringComparison.Ordinal) ? DeadChannel
                : first);
        }

        reply.Clear();
    }

    /// <summary>A connection a FastAgi script can play: a process ran, and its commands are single LF-ended lines without CR that are not 'failure'.</summary>
    private static bool Replayable(JsonElement connection)
    {
        if (connection.GetProperty("pid").ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        string? previous = null;
        foreach (JsonElement item in connection.GetProperty("events").EnumerateArray())
        {
            string kind = item.GetProperty("kind").GetString()!;
            string data = item.GetProperty("data").GetString()!;
            if (kind == "S->A")
            {
                bool single = data.EndsWith('\n') && data.IndexOf('\n', StringComparison.Ordinal) == data.Length - 1 && !data.Contains('\r', StringComparison.Ordinal);
                if (!single || data.StartsWith("failure", StringComparison.OrdinalIgnoreCase) || previous == "S->A")
                {
                    return false;
                }
            }

            if (kind is "S->A" or "A->S")
            {
                previous = kind;
            }
        }

        return true;
    }
}
