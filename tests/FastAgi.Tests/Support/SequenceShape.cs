namespace FastAgi.Tests.Support;

/// <summary>How <see cref="ReadOnlySequenceFactory"/> cuts a byte string into segments.</summary>
public enum SequenceShape
{
    /// <summary>One segment: how a single read delivers the bytes.</summary>
    SingleSegment,

    /// <summary>One byte per segment, with empty segments in between: every split point at once.</summary>
    SegmentPerByte,

    /// <summary>Segments of random lengths (1 to 31 bytes) and some empty ones, from a fixed seed.</summary>
    RandomSplits,
}
