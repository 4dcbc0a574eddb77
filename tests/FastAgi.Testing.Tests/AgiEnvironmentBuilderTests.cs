using FastAgi.Protocol;
using FastAgi.Testing.Replay;
using FastAgi.Testing.Tests.Support;

namespace FastAgi.Testing.Tests;

public sealed class AgiEnvironmentBuilderTests
{
    [Fact]
    public void The_block_has_Asterisks_order_and_format()
    {
        // 01a: AGI(agi://127.0.0.1:4573/golden?mode=x&y=2,first arg,second) on Local/100@agi-test.
        AgiRecordedConnection recorded = Recordings.Load("01a-env-basic").Main;
        string expected = string.Concat(recorded.Events.Where(static e => e.Kind == AgiRecordedEventKind.AsteriskToServer).Select(static e => e.Data).TakeWhile(static d => d != "\n")) + "\n";

        string built = new AgiEnvironmentBuilder()
            .Url("agi://127.0.0.1:4573/golden?mode=x&y=2")
            .Channel("Local/100@agi-test-00000006;2")
            .UniqueId("1795700025.13")
            .DialplanLocation("agi-test", "100", 2)
            .Set("agi_threadid", "140321317803712")
            .Arguments("first arg", "second")
            .ToText();

        Assert.Equal(expected, built);
    }

    [Theory]
    [InlineData("agi://127.0.0.1", "127.0.0.1", 4573, null)]
    [InlineData("agi://127.0.0.1:4573/", "127.0.0.1", 4573, null)]
    [InlineData("AGI://127.0.0.1:4573/some/deep/path.agi?a=1&b=two words#frag", "127.0.0.1", 4573, "some/deep/path.agi?a=1&b=two words#frag")]
    [InlineData("hagi://127.0.0.1:4573/envhagi?x=1", "127.0.0.1", 4573, "envhagi?x=1")]
    [InlineData("agi://[::1]:4600/ivr", "::1", 4600, "ivr")]
    [InlineData("agi://pbx.example/x/y", "pbx.example", 4573, "x/y")]
    public void Urls_split_as_launch_netscript_splits_them(string url, string host, int port, string? script)
    {
        AgiUrl parsed = AgiUrl.Parse(url);
        Assert.Equal((host, port, script), (parsed.Host, parsed.Port, parsed.Script));
    }

    [Theory]
    [InlineData("http://127.0.0.1/x")]
    [InlineData("agi://127.0.0.1:0/x")]
    [InlineData("agi://127.0.0.1:port/x")]
    [InlineData("agi:///x")]
    public void Other_urls_are_refused(string url) => Assert.Throws<FormatException>(() => AgiUrl.Parse(url));

    [Fact]
    public void A_url_without_a_path_sends_no_script_line()
    {
        IReadOnlyList<KeyValuePair<string, string>> lines = new AgiEnvironmentBuilder().Url("agi://127.0.0.1").Build();
        Assert.DoesNotContain(lines, static line => line.Key == "agi_network_script");
        Assert.Equal(string.Empty, new AgiRequest(lines).ScriptPath);
    }

    [Fact]
    public void Empty_values_keep_the_space_and_overrides_stay_in_place()
    {
        string text = new AgiEnvironmentBuilder().Script("x").Arguments("", "b").Set("agi_language", "fr").Set("agi_extra", "1").Remove("agi_threadid").ToText();
        Assert.Contains("agi_accountcode: \n", text, StringComparison.Ordinal);
        Assert.Contains("agi_arg_1: \nagi_arg_2: b\n\n", text, StringComparison.Ordinal);
        Assert.Matches("\nagi_channel: PJSIP/1000-[0-9a-f]{8}\nagi_language: fr\n", text);
        Assert.Contains("agi_accountcode: \nagi_extra: 1\nagi_arg_1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("agi_threadid", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_call_gets_a_channel_and_uniqueid_of_its_own()
    {
        AgiRequest first = new AgiEnvironmentBuilder().ToRequest();
        AgiRequest second = new AgiEnvironmentBuilder().ToRequest();
        Assert.NotEqual(first.UniqueId, second.UniqueId);
        Assert.NotEqual(first.Channel, second.Channel);
        Assert.Matches(@"^1700000000\.[0-9]+$", second.UniqueId);
        Assert.Matches("^PJSIP/1000-[0-9a-f]{8}$", second.Channel);
    }

    [Fact]
    public void Values_that_cannot_be_sent_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new AgiEnvironmentBuilder().Argument("a\nb"));
        Assert.Throws<ArgumentException>(() => new AgiEnvironmentBuilder().Set("agi bad", "x"));
    }

    [Fact]
    public void The_request_a_script_sees()
    {
        AgiRequest request = new AgiEnvironmentBuilder().Script("ivr/main?lang=fr").Arguments("1000").CallerId("555", "Bob").ToRequest();
        Assert.Equal(("ivr/main", "fr", "1000", "555", "Bob", "0"), (request.ScriptPath, request.Query["lang"], request.Arguments[0], request.CallerId, request.CallerIdName, request["agi_callingpres"]));
    }
}
