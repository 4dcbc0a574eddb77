using System.Buffers;
using BenchmarkDotNet.Attributes;
using FastAgi.Protocol;

namespace FastAgi.Benchmarks;

/// <summary>Parsing each reply form, against a baseline that only copies the bytes.</summary>
[MemoryDiagnoser]
public class ReplyBenchmarks
{
    private static readonly Dictionary<string, byte[]> Replies = new()
    {
        ["result"] = "200 result=0\n"u8.ToArray(),
        ["data"] = "200 result=1 (x)\n"u8.ToArray(),
        ["endpos"] = "200 result=0 endpos=8000\n"u8.ToArray(),
        ["word-endpos"] = "200 result=0 (timeout) endpos=16000\n"u8.ToArray(),
        ["usage-520"] = "520-Invalid command syntax.  Proper usage follows:\n Usage: STREAM FILE <filename> <escape digits> [sample offset]\n520 End of proper usage.\n"u8.ToArray(),
    };

    private readonly ArrayBufferWriter<byte> _output = new(256);
    private byte[] _reply = [];

    [ParamsSource(nameof(ReplyForms))]
    public string ReplyForm { get; set; } = "result";

    public static IEnumerable<string> ReplyForms => Replies.Keys;

    [GlobalSetup]
    public void Setup() => _reply = Replies[ReplyForm];

    [Benchmark(Description = "baseline: copy the reply bytes")]
    public int CopyReply()
    {
        _output.ResetWrittenCount();
        _output.Write(_reply);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "parse a reply")]
    public AgiReply? ParseReply()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_reply));
        AgiReplyParser.TryParse(ref reader, AgiProtocolLimits.Default, out AgiReply? reply);
        return reply;
    }
}
