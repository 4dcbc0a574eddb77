using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using FastAgi.Server;

namespace FastAgi.Benchmarks;

/// <summary>A call served by the connection handler over in-memory pipes, Asterisk played by a loop that answers each command at once.</summary>
internal static class InMemoryCall
{
    /// <summary>The environment block of a call to <paramref name="script"/>.</summary>
    public static byte[] EnvironmentFor(string script) => Encoding.ASCII.GetBytes(
        $"agi_network: yes\nagi_network_script: {script}\nagi_request: agi://127.0.0.1/{script}\nagi_channel: PJSIP/1000-00000001\n"
        + "agi_uniqueid: 1700000000.1\nagi_version: 22.10.1\nagi_callerid: 1000\n\n");

    /// <summary>Runs one call to its end: GET VARIABLE answered with a value, fences with their token, anything else with <c>200 result=0</c>.</summary>
    public static async Task RunAsync(AgiConnectionHandler handler, byte[] environment)
    {
        var toServer = new Pipe();
        var fromServer = new Pipe();
        Task serving = handler.HandleAsync(new Duplex(toServer.Reader, fromServer.Writer), "bench");
        await AnswerAsync(fromServer.Reader, toServer.Writer, environment).ConfigureAwait(false);
        await serving.ConfigureAwait(false);
    }

    private static async Task AnswerAsync(PipeReader commands, PipeWriter replies, byte[] environment)
    {
        await replies.WriteAsync(environment).ConfigureAwait(false);
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
                    replies.Write(new SequenceReader<byte>(line).IsNext("GET VARIABLE "u8) ? "200 result=1 (x)\n"u8 : "200 result=0\n"u8);
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
