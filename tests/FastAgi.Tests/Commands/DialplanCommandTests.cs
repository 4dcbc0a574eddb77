using FastAgi.Commands;
using Xunit;

namespace FastAgi.Tests.Commands;

/// <summary>SET CONTEXT, SET EXTENSION and SET PRIORITY (02m).</summary>
public sealed class DialplanCommandTests
{
    [Fact]
    public async Task Set_context_extension_and_priority_label()
    {
        RecordedReplies.AssertRecorded("02m", "200 result=0");
        await using var harness = new CommandHarness();
        harness.Expect("SET CONTEXT agi-jump", "200 result=0")
            .Expect("SET EXTENSION target", "200 result=0")
            .Expect("SET PRIORITY lab", "200 result=0")
            .Expect("SET PRIORITY 3", "200 result=0");

        await harness.RunAsync(async s =>
        {
            await s.SetContextAsync("agi-jump");
            await s.SetExtensionAsync("target");
            await s.SetPriorityAsync("lab");
            await s.SetPriorityAsync(3);
        });
    }

    [Fact]
    public async Task Unknown_priority_label_is_a_usage_error()
    {
        const string Usage = "520-Invalid command syntax.  Proper usage follows:\n"
            + "Changes the priority for continuation upon exiting the application. The priority must be a valid priority or label.\n"
            + "520 End of proper usage.";
        RecordedReplies.AssertRecorded("02m", Usage);
        await using var harness = new CommandHarness();
        harness.Expect("SET PRIORITY nosuchlabel", Usage);

        AgiUsageException error = await Assert.ThrowsAsync<AgiUsageException>(() => harness.RunAsync(s => s.SetPriorityAsync("nosuchlabel")));

        Assert.Equal("Changes the priority for continuation upon exiting the application. The priority must be a valid priority or label.", error.Usage);
    }

    [Fact]
    public async Task Set_priority_refuses_zero()
    {
        await using var harness = new CommandHarness();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => harness.RunAsync(s => s.SetPriorityAsync(0)));
    }
}
