using System.Text;
using FastAgi.Testing.Replay;

namespace FastAgi.Testing;

public sealed partial class FakeAsterisk
{
    /// <summary>
    /// A fake Asterisk that replays a recorded connection: it sends the recorded environment and Asterisk's recorded bytes,
    /// and checks that the script sends the recorded command lines, in order (<paramref name="match"/> says how strictly).
    /// </summary>
    /// <remarks>
    /// Each recorded command gets the bytes Asterisk wrote after it, unsolicited <c>HANGUP</c> lines included. The replay is
    /// strict: any other command fails the call. It ends where the recorded server closed; if Asterisk closed first
    /// (<c>AGIEXITONHANGUP</c>), the fake closes at the same point.
    /// </remarks>
    /// <exception cref="NotSupportedException">A recorded command has no reply because the recorded server sent the next command early, which a server that waits for replies cannot reproduce.</exception>
    public static FakeAsterisk FromRecording(AgiRecordedConnection connection, AgiReplayMatch match = AgiReplayMatch.SameWords, FakeAsteriskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var fake = new FakeAsterisk(options);
        var environment = new List<byte[]>();
        var afterEnvironment = new List<byte[]>();
        var afterClose = new List<byte[]>();
        var steps = new List<(byte[] Line, List<byte[]> Replies, List<double> Times)>();
        var pending = new List<byte>();
        var afterAsteriskClosed = new List<byte>();
        bool inEnvironment = true, serverClosed = false, asteriskClosed = false;
        int? asteriskClosesAfter = null;
        foreach (AgiRecordedEvent recorded in connection.Events)
        {
            switch (recorded.Kind)
            {
                case AgiRecordedEventKind.AsteriskToServer when inEnvironment:
                    environment.Add(recorded.GetBytes());
                    inEnvironment = recorded.Data != "\n";
                    break;
                case AgiRecordedEventKind.AsteriskToServer when serverClosed:
                    afterClose.Add(recorded.GetBytes());
                    break;
                case AgiRecordedEventKind.AsteriskToServer:
                    if (steps.Count == 0)
                    {
                        afterEnvironment.Add(recorded.GetBytes());
                    }
                    else
                    {
                        steps[^1].Replies.Add(recorded.GetBytes());
                        steps[^1].Times.Add(recorded.Time);
                    }

                    break;
                case AgiRecordedEventKind.ServerToAsterisk when !serverClosed && !asteriskClosed:
                    pending.AddRange(recorded.GetBytes());
                    int lineFeed;
                    while ((lineFeed = pending.IndexOf((byte)'\n')) >= 0)
                    {
                        steps.Add(([.. pending.GetRange(0, lineFeed)], [], []));
                        pending.RemoveRange(0, lineFeed + 1);
                    }

                    break;
                case AgiRecordedEventKind.ServerToAsterisk when !serverClosed:
                    afterAsteriskClosed.AddRange(recorded.GetBytes());
                    break;
                case AgiRecordedEventKind.Note when recorded.Data.StartsWith("server: close()", StringComparison.Ordinal) || recorded.Data.StartsWith("server: shutdown(", StringComparison.Ordinal):
                    serverClosed = true;
                    break;
                case AgiRecordedEventKind.EndOfStream when !serverClosed:
                    asteriskClosed = true;
                    asteriskClosesAfter = steps.Count;
                    break;
            }
        }

        foreach ((byte[] line, List<byte[]> replies, List<double> times) in steps)
        {
            string shown = FakeCallRun.Show(line);
            bool failureLine = Encoding.Latin1.GetString(line).StartsWith("failure", StringComparison.OrdinalIgnoreCase);
            if (replies.Count == 0 && !failureLine)
            {
                throw new NotSupportedException($"In {connection}, the recorded command '{shown}' has no reply: the recorded server sent its next command before Asterisk answered, which aborted it. A server that waits for each reply cannot reproduce this recording.");
            }

            var expectation = new AgiExpectation(fake, Matcher(line)) { IsFailureLine = failureLine };
            expectation.SetRaw(replies, fake.Options.ReplayPauses ? RecordedPauses(times) : null);
            fake.AddExpectation(expectation);
        }

        // What the recorded server still sent after Asterisk's EOF (04i): Asterisk never read it, but a script that stays in
        // step sends those lines or fewer, and nothing else.
        List<CommandMatcher> sentAfterClose = [.. Encoding.Latin1.GetString([.. afterAsteriskClosed]).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => Matcher(Encoding.Latin1.GetBytes(line)))];
        fake.UseReplay(new ReplayScript(environment, ParseEnvironment(environment), afterEnvironment, afterClose, asteriskClosesAfter, sentAfterClose));
        return fake;

        CommandMatcher Matcher(byte[] line) => match == AgiReplayMatch.ExactBytes
            ? CommandMatcher.Exact(line, FakeCallRun.Show(line))
            : CommandMatcher.SameWords(Encoding.UTF8.GetString(line));
    }

    private static List<TimeSpan> RecordedPauses(List<double> times)
    {
        var pauses = new List<TimeSpan>(times.Count);
        for (int i = 0; i < times.Count; i++)
        {
            double gap = i == 0 ? 0 : times[i] - times[i - 1];
            pauses.Add(gap >= 0.02 ? TimeSpan.FromSeconds(Math.Min(gap, 0.05)) : TimeSpan.Zero);
        }

        return pauses;
    }

    private static List<KeyValuePair<string, string>> ParseEnvironment(List<byte[]> chunks)
    {
        var lines = new List<KeyValuePair<string, string>>();
        foreach (string line in Encoding.UTF8.GetString([.. chunks.SelectMany(static c => c)]).Split('\n'))
        {
            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
            {
                lines.Add(new(line[..colon], line[(colon + 2)..]));
            }
        }

        return lines;
    }
}
