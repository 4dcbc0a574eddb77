using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using FastAgi.Protocol;

namespace FastAgi.Benchmarks;

/// <summary>Parsing the environment block and writing command lines, against a baseline that only copies the bytes.</summary>
[MemoryDiagnoser]
public class CommandBenchmarks
{
    private static readonly byte[] Environment = Encoding.ASCII.GetBytes(
        "agi_network: yes\nagi_network_script: ivr/main?lang=fr&x=1\nagi_request: agi://127.0.0.1:4573/ivr/main?lang=fr&x=1\n" +
        "agi_channel: PJSIP/alice-00000001\nagi_language: en\nagi_type: PJSIP\nagi_uniqueid: 1795700025.13\nagi_version: 22.10.1\n" +
        "agi_callerid: 1000\nagi_calleridname: Alice\nagi_callingpres: 0\nagi_callingani2: 0\nagi_callington: 0\nagi_callingtns: 0\n" +
        "agi_dnid: 100\nagi_rdnis: unknown\nagi_context: default\nagi_extension: 100\nagi_priority: 2\nagi_enhanced: 0.0\n" +
        "agi_accountcode: \nagi_threadid: 140321317803712\nagi_arg_1: first arg\nagi_arg_2: second\n\n");

    private readonly ArrayBufferWriter<byte> _output = new(256);

    [Benchmark(Description = "parse the environment block")]
    public AgiRequest ParseEnvironment() => AgiRequestParser.Parse(new ReadOnlySequence<byte>(Environment));

    [Benchmark(Description = "baseline: copy a command line")]
    public int CopyCommand()
    {
        _output.ResetWrittenCount();
        _output.Write("STREAM FILE hello-world #\n"u8);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "write a command line")]
    public int WriteCommand()
    {
        _output.ResetWrittenCount();
        return AgiCommandWriter.Write(_output, "STREAM FILE", "hello-world", "#");
    }

    [Benchmark(Description = "write a command with a quoted argument")]
    public int WriteQuotedCommand()
    {
        _output.ResetWrittenCount();
        return AgiCommandWriter.Write(_output, "SET VARIABLE", "GREETING", "say \"hi\" now");
    }
}
