using FastAgi.Commands;
using Xunit;

namespace FastAgi.Tests.Commands;

/// <summary>NOOP, VERBOSE and ASYNCAGI BREAK (02a, 04a).</summary>
public sealed class DiagnosticsCommandTests
{
    [Theory]
    [InlineData(null, "NOOP")]
    [InlineData("about to go idle", "NOOP \"about to go idle\"")]
    public async Task Noop_sends_the_optional_note_as_one_word(string? text, string expected)
    {
        await CommandHarness.ReplayAsync("02a", expected, "200 result=0", async s =>
        {
            await s.NoopAsync(text);
            return true;
        });
    }

    [Theory]
    [InlineData("hello from the FastAGI server", 1, "VERBOSE \"hello from the FastAGI server\" 1")]
    [InlineData("no-level-given", null, "VERBOSE no-level-given")]
    [InlineData("dead channel verbose", 1, "VERBOSE \"dead channel verbose\" 1")]
    public async Task Verbose_sends_message_and_optional_level(string message, int? level, string expected)
    {
        await CommandHarness.ReplayAsync("02a", expected, "200 result=1", async s =>
        {
            await s.VerboseAsync(message, level);
            return true;
        });
    }

    [Fact]
    public async Task Verbose_works_after_hangup()
    {
        RecordedReplies.AssertRecorded("04a", "200 result=1");
        await using var harness = new CommandHarness();
        harness.Send("HANGUP");
        harness.Expect("VERBOSE \"dead channel verbose\" 1", "200 result=1");

        await harness.RunAsync(s => s.VerboseAsync("dead channel verbose", 1));
    }

    [Fact]
    public async Task Asyncagi_break_is_a_no_op_over_fastagi()
    {
        await CommandHarness.ReplayAsync("02a", "ASYNCAGI BREAK", "200 result=0", async s =>
        {
            await s.AsyncAgiBreakAsync();
            return true;
        });
    }
}
