using FastAgi.Testing;
using Xunit;

namespace FastAgi.Tests.Support;

/// <summary>Fake Asterisk calls for the server tests, which check every byte: strict, bounded by <see cref="TestTimeouts.Default"/>.</summary>
public static class AsteriskCalls
{
    /// <summary>
    /// A strict fake Asterisk (every command must be the next expected one) whose environment asks for
    /// <c>agi://127.0.0.1:4573/<paramref name="script"/></c>, or for <c>agi://127.0.0.1:4573</c> with no script line when
    /// <paramref name="script"/> is <see langword="null"/>.
    /// </summary>
    public static FakeAsterisk Strict(string? script, string uniqueId, params string[] arguments)
    {
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Strict = true, Timeout = TestTimeouts.Default });
        asterisk.Environment.Url(script is null ? "agi://127.0.0.1:4573" : "agi://127.0.0.1:4573/" + script).UniqueId(uniqueId).Arguments(arguments);
        return asterisk;
    }

    /// <summary>Fails unless the server sent exactly these command lines (without LF), byte for byte, and nothing after Asterisk left.</summary>
    public static void AssertLines(this FakeCallResult call, params string[] lines)
    {
        ArgumentNullException.ThrowIfNull(call);
        Assert.True(lines.SequenceEqual(call.CommandLines), $"Expected the lines [{string.Join(" | ", lines)}], got:\n{call.Transcript}");
        Assert.DoesNotContain("ignored after Asterisk closed", call.Transcript, StringComparison.Ordinal);
    }
}
