using System.Buffers;
using Xunit;

namespace FastAgi.Tests.Support;

/// <summary>
/// Builds a <see cref="ReadOnlySequence{T}"/> of given bytes in the segment shapes a pipe may deliver them in, so that
/// a parser is shown to give the same answer whatever the split. Modelled on ASP.NET Core's
/// <c>src/Shared/Buffers.Testing/ReadOnlySequenceFactory.cs</c>: every segment is a slice in the middle of a larger
/// array, so code that assumes offset 0 or one segment fails here.
/// </summary>
public static class ReadOnlySequenceFactory
{
    /// <summary>The seed of <see cref="SequenceShape.RandomSplits"/>: fixed, so that a failure reproduces.</summary>
    public const int DefaultSeed = 4573;

    /// <summary>Every shape, for <c>[MemberData]</c>.</summary>
    public static IReadOnlyList<SequenceShape> Shapes { get; } = [SequenceShape.SingleSegment, SequenceShape.SegmentPerByte, SequenceShape.RandomSplits];

    /// <summary>The shapes as theory data.</summary>
    public static TheoryData<SequenceShape> ShapeData => [.. Shapes];

    /// <summary>Cuts <paramref name="data"/> as <paramref name="shape"/> says.</summary>
    public static ReadOnlySequence<byte> Create(SequenceShape shape, ReadOnlySpan<byte> data) => shape switch
    {
        SequenceShape.SingleSegment => SingleSegment(data),
        SequenceShape.SegmentPerByte => SegmentPerByte(data),
        SequenceShape.RandomSplits => RandomSplits(data, DefaultSeed),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    /// <summary>One segment holding all of <paramref name="data"/>.</summary>
    public static ReadOnlySequence<byte> SingleSegment(ReadOnlySpan<byte> data) => CreateSegments(data.ToArray());

    /// <summary>An empty segment, then each byte in its own segment followed by an empty one.</summary>
    public static ReadOnlySequence<byte> SegmentPerByte(ReadOnlySpan<byte> data)
    {
        var segments = new List<byte[]>(data.Length * 2 + 1) { Array.Empty<byte>() };
        foreach (byte value in data)
        {
            segments.Add([value]);
            segments.Add([]);
        }

        return CreateSegments([.. segments]);
    }

    /// <summary>Segments of 1 to 31 bytes, about one in eight preceded by an empty segment, drawn from <paramref name="seed"/>.</summary>
    public static ReadOnlySequence<byte> RandomSplits(ReadOnlySpan<byte> data, int seed)
    {
        var random = new Random(seed);
        var segments = new List<byte[]>();
        int offset = 0;
        while (offset < data.Length)
        {
            if (random.Next(8) == 0)
            {
                segments.Add([]);
            }

            int length = Math.Min(data.Length - offset, random.Next(1, 32));
            segments.Add(data.Slice(offset, length).ToArray());
            offset += length;
        }

        return segments.Count == 0 ? CreateSegments(Array.Empty<byte>()) : CreateSegments([.. segments]);
    }

    /// <summary>One segment per element of <paramref name="segments"/>, in order; empty elements give empty segments.</summary>
    public static ReadOnlySequence<byte> CreateSegments(params byte[][] segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Length == 0)
        {
            throw new ArgumentException("At least one segment is needed.", nameof(segments));
        }

        Segment first = new(Padded(segments[0]), 0);
        Segment last = first;
        for (int i = 1; i < segments.Length; i++)
        {
            last = last.Append(Padded(segments[i]));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    // The bytes sit in the middle of an array twice their size, padded with LF: a read past either end of a segment
    // finds the very byte the parsers look for, and a segment never starts at offset 0.
    private static ReadOnlyMemory<byte> Padded(byte[] data)
    {
        byte[] buffer = new byte[(data.Length * 2) + 2];
        buffer.AsSpan().Fill((byte)'\n');
        data.CopyTo(buffer, data.Length + 1);
        return new ReadOnlyMemory<byte>(buffer, data.Length + 1, data.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
