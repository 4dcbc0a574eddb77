using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using BenchmarkDotNet.Attributes;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;

namespace FastAgi.Benchmarks;

/// <summary>
/// The cost of reading values exactly: a call of 100 GET VARIABLE commands served by the connection handler over in-memory
/// pipes, fenced (the default, as <c>GetVariableAsync</c> sends it) against line-framed, with Asterisk played by a loop that
/// answers each line at once. No network: the figures are the server's CPU and allocations per value read; on a network the fence adds
/// one round trip.
/// </summary>
[MemoryDiagnoser]
public class ValueReadBenchmarks
{
    private const int Reads = 100;
    private static readonly byte[] Environment = Encoding.ASCII.GetBytes(
        "agi_network: yes\nagi_network_script: values\nagi_request: agi://127.0.0.1/values\nagi_channel: PJSIP/1000-00000001\n"
        + "agi_uniqueid: 1700000000.1\nagi_version: 22.10.1\nagi_callerid: 1000\n\n");

    private ServiceProvider? _services;
    private AgiConnectionHandler? _handler;

    [Params(AgiReplyFraming.Line, AgiReplyFraming.Fenced)]
    public AgiReplyFraming Framing { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddFastAgi().MapScript("values", async (call, hangup) =>
        {
            string[] variable = ["V"];
            for (int i = 0; i < Reads; i++)
            {
                await call.SendCommandAsync("GET VARIABLE", variable, Framing, hangup).ConfigureAwait(false);
            }
        });
        _services = services.BuildServiceProvider();
        _handler = _services.GetRequiredService<AgiConnectionHandler>();
    }

    [GlobalCleanup]
    public void Cleanup() => _services?.Dispose();

    [Benchmark(OperationsPerInvoke = Reads, Description = "one GET VARIABLE, within a call of 100")]
    public async Task ReadValues()
    {
        var toServer = new Pipe();
        var fromServer = new Pipe();
        Task serving = _handler!.HandleAsync(new Duplex(toServer.Reader, fromServer.Writer), "bench");
        await AnswerAsync(fromServer.Reader, toServer.Writer).ConfigureAwait(false);
        await serving.ConfigureAwait(false);
    }

    private static async Task AnswerAsync(PipeReader commands, PipeWriter replies)
    {
        await replies.WriteAsync(Environment).ConfigureAwait(false);
        while (true)
        {
            ReadResult read = await commands.ReadAsync().ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = read.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } lineFeed)
            {
                ReadOnlySequence<byte> line = buffer.Slice(0, lineFeed);
                if (new SequenceReader<byte>(line).IsNext("GET FULL VARIABLE "u8))
                {
                    // GET FULL VARIABLE <token>: the token itself.
                    replies.Write("200 result=1 ("u8);
                    foreach (ReadOnlyMemory<byte> segment in line.Slice(18))
                    {
                        replies.Write(segment.Span);
                    }

                    replies.Write(")\n"u8);
                }
                else
                {
                    replies.Write("200 result=1 (x)\n"u8);
                }

                buffer = buffer.Slice(buffer.GetPosition(1, lineFeed));
            }

            await replies.FlushAsync().ConfigureAwait(false);
            commands.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
            {
                await replies.CompleteAsync().ConfigureAwait(false);
                await commands.CompleteAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
