using FastAgi.Commands;
using FastAgi.Server;
using Xunit;

namespace FastAgi.Tests.Commands;

/// <summary>The SPEECH commands: recorded without an engine (02l), and every SPEECH RECOGNIZE form from handle_speechrecognize().</summary>
public sealed class SpeechCommandTests
{
    public static TheoryData<Func<AgiSession, ValueTask<bool>>, string> SpeechArguments => new()
    {
        { s => s.SpeechCreateAsync(), "SPEECH CREATE" },
        { s => s.SpeechCreateAsync("lumenvox"), "SPEECH CREATE lumenvox" },
        { s => s.SpeechSetAsync("foo", "bar"), "SPEECH SET foo bar" },
        { s => s.SpeechLoadGrammarAsync("g1", "/var/lib/asterisk/grammars/g1.gram"), "SPEECH LOAD GRAMMAR g1 /var/lib/asterisk/grammars/g1.gram" },
        { s => s.SpeechActivateGrammarAsync("g1"), "SPEECH ACTIVATE GRAMMAR g1" },
        { s => s.SpeechDeactivateGrammarAsync("g1"), "SPEECH DEACTIVATE GRAMMAR g1" },
        { s => s.SpeechUnloadGrammarAsync("g1"), "SPEECH UNLOAD GRAMMAR g1" },
        { s => s.SpeechDestroyAsync(), "SPEECH DESTROY" },
    };

    [Theory]
    [MemberData(nameof(SpeechArguments))]
    public async Task Without_an_engine_every_speech_command_is_false(Func<AgiSession, ValueTask<bool>> call, string expected)
    {
        Assert.False(await CommandHarness.ReplayAsync("02l", expected, "200 result=0", call));
    }

    [Theory]
    [MemberData(nameof(SpeechArguments))]
    public async Task With_an_engine_speech_commands_are_true(Func<AgiSession, ValueTask<bool>> call, string expected)
    {
        Assert.True(await CommandHarness.ReplayAsync(RecordedReplies.FromSource, expected, "200 result=1", call));
    }

    [Fact]
    public async Task Recognize_without_a_speech_object_is_failed()
    {
        SpeechRecognizeResult result = await CommandHarness.ReplayAsync("02l", "SPEECH RECOGNIZE beep 1", "200 result=0", s => s.SpeechRecognizeAsync("beep", TimeSpan.FromSeconds(1)));

        Assert.Equal(SpeechRecognizeStatus.Failed, result.Status);
        Assert.Empty(result.Results);
    }

    [Fact]
    public async Task Recognize_reads_every_result_even_with_parentheses_and_quotes_in_the_text()
    {
        // "200 result=1 (speech) endpos=%ld results=%d %s" with "%sscore%d=%d text%d=\"%s\" grammar%d=%s": the text is not escaped.
        const string Reply = "200 result=1 (speech) endpos=1600 results=3 score0=950 text0=\"call (home) now\" grammar0=digits "
            + "score1=400 text1=\"he said \"hi\"\" grammar1=yesno score2=-5 text2=\"\" grammar2=g3";
        SpeechRecognizeResult result = await CommandHarness.ReplayAsync(
            RecordedReplies.FromSource, "SPEECH RECOGNIZE enter-choice 5", Reply, s => s.SpeechRecognizeAsync("enter-choice", TimeSpan.FromSeconds(5)));

        Assert.Equal(SpeechRecognizeStatus.Speech, result.Status);
        Assert.Equal(1600, result.EndSample);
        Assert.Null(result.Digit);
        Assert.Equal(
            new[] { new SpeechResult(950, "call (home) now", "digits"), new SpeechResult(400, "he said \"hi\"", "yesno"), new SpeechResult(-5, "", "g3") },
            result.Results);
    }

    [Fact]
    public async Task Recognize_with_no_results_has_an_empty_list()
    {
        // With no result the format still ends with a space: "results=0 ".
        SpeechRecognizeResult result = await CommandHarness.ReplayAsync(
            RecordedReplies.FromSource, "SPEECH RECOGNIZE enter-choice 5", "200 result=1 (speech) endpos=0 results=0 ", s => s.SpeechRecognizeAsync("enter-choice", TimeSpan.FromSeconds(5)));

        Assert.Equal(SpeechRecognizeStatus.Speech, result.Status);
        Assert.Empty(result.Results);
    }

    [Theory]
    [InlineData("200 result=1 (digit) digit=5 endpos=3200", SpeechRecognizeStatus.Digit, '5', 3200L)]
    [InlineData("200 result=1 (digit) digit=# endpos=0", SpeechRecognizeStatus.Digit, '#', 0L)]
    [InlineData("200 result=1 (timeout) endpos=0", SpeechRecognizeStatus.Timeout, null, 0L)]
    [InlineData("200 result=0 endpos=800", SpeechRecognizeStatus.Failed, null, 800L)]
    public async Task Recognize_digit_timeout_and_failure_forms(string reply, SpeechRecognizeStatus status, char? digit, long endSample)
    {
        SpeechRecognizeResult result = await CommandHarness.ReplayAsync(
            RecordedReplies.FromSource, "SPEECH RECOGNIZE enter-choice 5", reply, s => s.SpeechRecognizeAsync("enter-choice", TimeSpan.FromSeconds(5)));

        Assert.Equal(status, result.Status);
        Assert.Equal(digit, result.Digit);
        Assert.Equal(endSample, result.EndSample);
        Assert.Empty(result.Results);
    }

    [Fact]
    public async Task Recognize_hangup_throws()
    {
        await using var harness = new CommandHarness();
        harness.Expect("SPEECH RECOGNIZE enter-choice 5", "200 result=1 (hangup) endpos=0\nHANGUP");

        await Assert.ThrowsAsync<AgiHangupException>(() => harness.RunAsync(s => s.SpeechRecognizeAsync("enter-choice", TimeSpan.FromSeconds(5))));
    }

    [Theory]
    [InlineData("200 result=1 (speech) endpos=0 results=2 score0=950 text0=\"a\" grammar0=g")]
    [InlineData("200 result=1 (speech) endpos=0 results=1 score0=high text0=\"a\" grammar0=g")]
    [InlineData("200 result=1 (mystery) endpos=0")]
    [InlineData("200 result=2")]
    public async Task Recognize_reply_it_cannot_read_is_a_command_exception(string reply)
    {
        await using var harness = new CommandHarness();
        harness.Expect("SPEECH RECOGNIZE enter-choice 5", reply);

        await Assert.ThrowsAsync<AgiCommandException>(() => harness.RunAsync(s => s.SpeechRecognizeAsync("enter-choice", TimeSpan.FromSeconds(5))));
    }

    [Theory]
    [InlineData(1500, 0L, "SPEECH RECOGNIZE beep 2")]
    [InlineData(-1, 0L, "SPEECH RECOGNIZE beep 0")]
    [InlineData(5000, 8000L, "SPEECH RECOGNIZE beep 5 8000")]
    public async Task Recognize_sends_whole_seconds_and_the_optional_offset(int milliseconds, long offset, string expected)
    {
        TimeSpan timeout = milliseconds < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(milliseconds);
        await using var harness = new CommandHarness();
        harness.Expect(expected, "200 result=0");

        await harness.RunAsync(s => s.SpeechRecognizeAsync("beep", timeout, offset));
    }
}
