using Microsoft.Extensions.Compliance.Redaction;

namespace FastAgi.Diagnostics;

/// <summary>FastAgi's default redactor for call data: any value becomes <c>***</c>, so a log shows that a value was there but not what it was.</summary>
public sealed class AgiMaskRedactor : Redactor
{
    private const string Mask = "***";

    /// <inheritdoc/>
    public override int GetRedactedLength(ReadOnlySpan<char> input) => Mask.Length;

    /// <inheritdoc/>
    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        Mask.AsSpan().CopyTo(destination);
        return Mask.Length;
    }
}
