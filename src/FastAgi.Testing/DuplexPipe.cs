using System.IO.Pipelines;

namespace FastAgi.Testing;

/// <summary>A reader and a writer seen as one connection.</summary>
internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;
}
