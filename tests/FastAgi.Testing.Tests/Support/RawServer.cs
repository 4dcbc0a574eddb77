using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace FastAgi.Testing.Tests.Support;

/// <summary>A hand-driven "FastAGI server" on a pair of pipes, to make the fake meet servers that break the protocol.</summary>
public sealed class RawServer
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly Pipe _toServer = new();
    private readonly Pipe _fromServer = new();

    /// <summary>The connection as the fake sees it.</summary>
    public IDuplexPipe FakeSide => new Duplex(_fromServer.Reader, _toServer.Writer);

    /// <summary>Reads up to and including the blank line that ends the environment.</summary>
    public async Task<string> ReadEnvironmentAsync()
    {
        var text = new StringBuilder();
        while (!text.ToString().EndsWith("\n\n", StringComparison.Ordinal))
        {
            text.Append(await ReadLineAsync() ?? throw new InvalidOperationException("The fake closed before the environment ended."));
        }

        return text.ToString();
    }

    /// <summary>Reads one line (LF included), or null when the fake has closed.</summary>
    public async Task<string?> ReadLineAsync()
    {
        while (true)
        {
            ReadResult result = await _toServer.Reader.ReadAsync().AsTask().WaitAsync(Bound);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.PositionOf((byte)'\n') is { } lineFeed)
            {
                SequencePosition next = buffer.GetPosition(1, lineFeed);
                string line = Encoding.UTF8.GetString(buffer.Slice(0, next));
                _toServer.Reader.AdvanceTo(next);
                return line;
            }

            _toServer.Reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>Writes <paramref name="bytes"/> in one write.</summary>
    public async Task SendAsync(byte[] bytes) => await _fromServer.Writer.WriteAsync(bytes).AsTask().WaitAsync(Bound);

    /// <summary>Writes <paramref name="text"/> (UTF-8) in one write.</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Reads whatever the fake still sends until it closes, then closes too.</summary>
    public async Task FinishAsync()
    {
        while (await ReadLineAsync() is not null)
        {
        }

        await _fromServer.Writer.CompleteAsync();
    }

    /// <summary>Closes the server's side at once.</summary>
    public ValueTask CloseAsync() => _fromServer.Writer.CompleteAsync();

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
