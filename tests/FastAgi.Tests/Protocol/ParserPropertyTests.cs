using System.Buffers;
using System.Text;
using CsCheck;
using FastAgi.Protocol;
using FastAgi.Testing.Engine;
using FastAgi.Testing.Replay;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Protocol;

/// <summary>
/// Property tests and a fuzz loop over the parsers and the writer, from a fixed seed and a bounded count: arbitrary and
/// mutated bytes in arbitrary segmentation never crash a parser, never keep or allocate more than the limits allow, and
/// parse the same way however they are split; what the writer writes, Asterisk's tokenizer reads back exactly.
/// </summary>
public sealed class ParserPropertyTests
{
    private const int Iterations = 2000;

    /// <summary>Small limits, so that the fuzz reaches them.</summary>
    private static readonly AgiProtocolLimits Limits = new()
    {
        MaxEnvironmentLineLength = 96,
        MaxEnvironmentSize = 512,
        MaxEnvironmentLines = 16,
        MaxReplyLength = 256,
    };

    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "200 result=", "200 result=1 (", "200 result=0", ")", "(", "\n", "\n", "\n", "HANGUP\n", "520-Invalid command syntax.  Proper usage follows:\n",
            "520 End of proper usage.\n", "100 result=0 Trying...\n", "510 Invalid or unknown command\n", "511 x\n", " endpos=", "-1", "0", "9",
            "agi_network: yes\n", "agi_arg_1: ", ": ", "agi_", "\r", "\0", " ", "\t", "\u00e9", "#", "*", "\"",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    private static readonly Gen<byte[]> Chunk = Gen.Frequency<byte[]>((3, Gen.OneOf(Tokens)), (2, Gen.Byte.Select(static b => new[] { b })));

    /// <summary>Inputs made of protocol pieces and raw bytes, up to a few hundred bytes.</summary>
    private static readonly Gen<byte[]> Input = Chunk.Array[0, 60].Select(static chunks => chunks.SelectMany(static c => c).ToArray());

    /// <summary>How an input is cut into segments: cut lengths of 1 to 40 bytes.</summary>
    private static readonly Gen<int[]> Cuts = Gen.Int[1, 40].Array[1, 30];

    [Fact]
    public void Reply_parsing_of_arbitrary_bytes_is_bounded_typed_and_independent_of_segmentation()
        => Fuzz(Input.Select(Cuts), static (bytes, cuts) =>
        {
            string whole = ParseReplies(ReadOnlySequenceFactory.SingleSegment(bytes), bytes.Length);
            Assert.Equal(whole, ParseReplies(Split(bytes, cuts), bytes.Length));
        });

    [Fact]
    public void Fenced_reply_parsing_of_arbitrary_bytes_is_bounded_typed_and_independent_of_segmentation()
        => Fuzz(Input.Select(Cuts, Gen.Bool), static (bytes, cuts, final) =>
        {
            var fence = new AgiReplyFence();
            byte[] withFence = [.. bytes, .. fence.ReplyLine, .. "HANGUP\n"u8];
            string whole = ParseFenced(ReadOnlySequenceFactory.SingleSegment(withFence), fence, final);
            Assert.Equal(whole, ParseFenced(Split(withFence, cuts), fence, final));
        });

    [Fact]
    public void Environment_parsing_of_arbitrary_bytes_is_bounded_typed_and_independent_of_segmentation()
        => Fuzz(Input.Select(Cuts), static (bytes, cuts) =>
        {
            string whole = ParseEnvironment(ReadOnlySequenceFactory.SingleSegment(bytes));
            Assert.Equal(whole, ParseEnvironment(Split(bytes, cuts)));
        });

    [Fact]
    public void Recorded_sessions_mutated_at_random_never_break_the_parsers()
    {
        byte[][] sessions = [.. Recordings.AllConnections.Select(static row => Recordings.Load((string)row[0]).Connections[(int)row[1]].AsteriskBytesAfterEnvironment()).Where(static b => b.Length > 0)];
        byte[][] environments = [.. Recordings.AllConnections.Select(static row => EnvironmentOf(Recordings.Load((string)row[0]).Connections[(int)row[1]]))];
        Gen<(int Session, int Position, byte[] Inserted, int Deleted)> mutation = Gen.Select(Gen.Int[0, sessions.Length - 1], Gen.Int[0, 4096], Input, Gen.Int[0, 8]);
        Fuzz(mutation.Array[1, 4].Select(Cuts), (mutations, cuts) =>
        {
            byte[] replies = Mutate(sessions[mutations[0].Session], mutations);
            Assert.Equal(ParseReplies(ReadOnlySequenceFactory.SingleSegment(replies), replies.Length), ParseReplies(Split(replies, cuts), replies.Length));

            byte[] environment = Mutate(environments[mutations[0].Session % environments.Length], mutations);
            Assert.Equal(ParseEnvironment(ReadOnlySequenceFactory.SingleSegment(environment)), ParseEnvironment(Split(environment, cuts)));
        });
    }

    [Fact]
    public void Any_value_without_NUL_comes_back_exactly_through_a_fence()
        => Fuzz(Gen.String[Gen.Char.Where(static c => c != '\0' && !char.IsSurrogate(c)), 0, 200].Select(Cuts), static (value, cuts) =>
        {
            var fence = new AgiReplyFence();
            byte[] bytes = [.. Encoding.UTF8.GetBytes($"200 result=1 ({value})\n"), .. fence.ReplyLine];
            var reader = new SequenceReader<byte>(Split(bytes, cuts));
            Assert.Equal(AgiReplyParseStatus.Reply, AgiReplyParser.TryParseFenced(ref reader, fence, isFinalBlock: false, AgiProtocolLimits.Default, out AgiReply? reply, out _));
            Assert.Equal(value, reply!.Data);
            Assert.True(reader.End);
        });

    [Fact]
    public void What_the_writer_writes_Asterisks_tokenizer_reads_back_exactly()
        => Fuzz(Gen.String[Gen.Char.Where(static c => c is not ('\r' or '\n' or '\0') && !char.IsSurrogate(c)), 0, 40].Array[0, 8], static arguments =>
        {
            var written = new ArrayBufferWriter<byte>();
            AgiCommandWriter.Write(written, "SET VARIABLE", arguments);
            string line = Encoding.UTF8.GetString(written.WrittenSpan);
            Assert.EndsWith("\n", line, StringComparison.Ordinal);
            Assert.Equal(["SET", "VARIABLE", .. arguments], AsteriskTokenizer.Split(line[..^1]));
        });

    /// <summary>Runs <paramref name="property"/> on <see cref="Iterations"/> inputs from a fixed seed; a failure names the iteration and the input.</summary>
    private static void Fuzz<T>(Gen<T> gen, Action<T> property)
    {
        var pcg = new PCG(1, 4573);
        for (int i = 0; i < Iterations; i++)
        {
            T input = gen.Generate(pcg, null, out _);
            try
            {
                property(input);
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"Iteration {i} failed for input {Show(input)}: {ex}");
            }
        }
    }

    private static void Fuzz<T1, T2>(Gen<(T1, T2)> gen, Action<T1, T2> property) => Fuzz(gen, input => property(input.Item1, input.Item2));

    private static void Fuzz<T1, T2, T3>(Gen<(T1, T2, T3)> gen, Action<T1, T2, T3> property) => Fuzz(gen, input => property(input.Item1, input.Item2, input.Item3));

    /// <summary>Every message until the input runs out or breaks the protocol, as text; asserts what may be kept and allocated.</summary>
    private static string ParseReplies(ReadOnlySequence<byte> input, int length)
    {
        var outcome = new StringBuilder();
        var reader = new SequenceReader<byte>(input);
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            while (true)
            {
                AgiReplyParseStatus status = AgiReplyParser.TryParse(ref reader, Limits, out AgiReply? reply);
                if (status == AgiReplyParseStatus.Incomplete)
                {
                    // Bytes kept for later: never more than a reply may be long.
                    Assert.True(reader.Remaining <= Limits.MaxReplyLength, $"{reader.Remaining} bytes kept.");
                    outcome.Append("incomplete:").Append(reader.Remaining);
                    break;
                }

                outcome.Append(status == AgiReplyParseStatus.Hangup ? "HANGUP" : $"{reply!.StatusCode}|{reply.Text}|{reply.Usage}").Append('\n');
            }
        }
        catch (AgiProtocolException ex)
        {
            outcome.Append("error:").Append(ex.Error);
        }

        AssertBoundedAllocation(allocated, length);
        return outcome.ToString();
    }

    private static string ParseFenced(ReadOnlySequence<byte> input, AgiReplyFence fence, bool final)
    {
        var outcome = new StringBuilder();
        var reader = new SequenceReader<byte>(input);
        try
        {
            while (true)
            {
                AgiReplyParseStatus status = AgiReplyParser.TryParseFenced(ref reader, fence, final, Limits, out AgiReply? reply, out int hangups);
                if (status is AgiReplyParseStatus.Incomplete or AgiReplyParseStatus.ReplyStarted)
                {
                    Assert.True(reader.Remaining <= Limits.MaxReplyLength + 1 + 14 + fence.ReplyLine.Length + 1, $"{reader.Remaining} bytes kept.");
                    outcome.Append(status).Append(':').Append(reader.Remaining);
                    break;
                }

                outcome.Append(status == AgiReplyParseStatus.Hangup ? "HANGUP" : $"{reply!.StatusCode}|{reply.Text}|{reply.Usage}|{hangups}").Append('\n');
            }
        }
        catch (AgiProtocolException ex)
        {
            outcome.Append("error:").Append(ex.Error);
        }

        return outcome.ToString();
    }

    private static string ParseEnvironment(ReadOnlySequence<byte> input)
    {
        var parser = new AgiRequestParser(Limits);
        var reader = new SequenceReader<byte>(input);
        try
        {
            if (!parser.TryParse(ref reader, out AgiRequest? request))
            {
                // Only a partial line is left unconsumed, and never more than a line may be long.
                Assert.True(reader.Remaining <= Limits.MaxEnvironmentLineLength, $"{reader.Remaining} bytes kept.");
                return "incomplete:" + reader.Remaining;
            }

            Assert.True(request!.Variables.Count <= Limits.MaxEnvironmentLines);
            return string.Join('\n', request.Variables.Select(static v => v.Key + "=" + v.Value)) + "|consumed:" + reader.Consumed;
        }
        catch (AgiProtocolException ex)
        {
            return "error:" + ex.Error;
        }
    }

    private static void AssertBoundedAllocation(long before, int length)
    {
        // The reply objects and their strings: proportional to the input, whatever it holds.
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= (64L * length) + (16 * 1024), $"{allocated} bytes allocated for {length} bytes of input.");
    }

    private static ReadOnlySequence<byte> Split(byte[] bytes, int[] cuts)
    {
        var segments = new List<byte[]>();
        int offset = 0;
        for (int i = 0; offset < bytes.Length; i++)
        {
            int length = Math.Min(cuts[i % cuts.Length], bytes.Length - offset);
            segments.Add(bytes[offset..(offset + length)]);
            offset += length;
        }

        return segments.Count == 0 ? ReadOnlySequence<byte>.Empty : ReadOnlySequenceFactory.CreateSegments([.. segments]);
    }

    private static byte[] Mutate(byte[] original, (int Session, int Position, byte[] Inserted, int Deleted)[] mutations)
    {
        var bytes = new List<byte>(original);
        foreach ((_, int position, byte[] inserted, int deleted) in mutations)
        {
            int at = bytes.Count == 0 ? 0 : position % bytes.Count;
            bytes.RemoveRange(at, Math.Min(deleted, bytes.Count - at));
            bytes.InsertRange(at, inserted);
        }

        return [.. bytes];
    }

    private static byte[] EnvironmentOf(AgiRecordedConnection connection)
        => [.. connection.Events.Where(static e => e.Kind == AgiRecordedEventKind.AsteriskToServer).Select(static e => e.Data).TakeWhile(static d => d != "\n").SelectMany(static d => Encoding.UTF8.GetBytes(d)), .. "\n"u8];

    private static string Show<T>(T input) => input switch
    {
        byte[] bytes => AgiLogText.Escape(Encoding.Latin1.GetString(bytes), 2000),
        ValueTuple<byte[], int[]> pair => AgiLogText.Escape(Encoding.Latin1.GetString(pair.Item1), 2000) + " cut " + string.Join(',', pair.Item2),
        _ => AgiLogText.Escape(input?.ToString(), 2000),
    };
}
