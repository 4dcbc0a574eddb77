using FastAgi.Protocol;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Routing;

/// <summary>How a call's <c>agi_network_script</c> picks a script, and what the script sees of the URL and arguments.</summary>
public class ScriptRoutingTests
{
    [Fact]
    public async Task Path_with_a_query_routes_on_the_path_and_decodes_the_query_and_arguments()
    {
        var script = new TestScript((s, ct) =>
        {
            AgiRequest request = s.Request;
            Assert.Equal("ivr/main?lang=fr&x=a%20b", request.NetworkScript);
            Assert.Equal("ivr/main", request.ScriptPath);
            Assert.Equal("lang=fr&x=a%20b", request.RawQuery);
            Assert.Equal("fr", request.Query["lang"]);
            Assert.Equal("a b", request.Query["x"]);
            Assert.Null(request.Query["missing"]);
            Assert.Equal(["first arg", "", "  spaced  ", "x,y"], request.Arguments);
            return Task.CompletedTask;
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi
            .MapScript("ivr/main", script.RunAsync)
            .MapScript("ivr", (s, ct) => throw new InvalidOperationException("The parent path must not match.")));
        FakeCallResult call = await AsteriskCalls.Strict("ivr/main?lang=fr&x=a%20b", "1700000004.1", "first arg", "", "  spaced  ", "x,y").CallAsync(server.Endpoint);

        call.AssertLines();
        await script.WaitAsync();
    }

    [Theory]
    [InlineData("/IVR/Main/")]
    [InlineData("ivr/main#fragment")]
    [InlineData("ivr/ma%69n?x=1")]
    public async Task Path_matching_ignores_case_slashes_fragments_and_escapes(string networkScript)
    {
        var script = new TestScript((s, ct) =>
        {
            Assert.Equal(networkScript, s.Request.NetworkScript);
            Assert.Equal("ivr/main", s.Request.ScriptPath, ignoreCase: true);
            return Task.CompletedTask;
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi.MapScript("ivr/main", script.RunAsync));
        FakeCallResult call = await AsteriskCalls.Strict(networkScript, "1700000004.2").CallAsync(server.Endpoint);

        call.AssertLines();
        await script.WaitAsync();
    }

    [Fact]
    public async Task Each_path_runs_its_own_script()
    {
        var main = new TestScript(async (s, ct) => await s.CommandAsync("SET VARIABLE", "RAN", "main"));
        var billing = new TestScript(async (s, ct) => await s.CommandAsync("SET VARIABLE", "RAN", "billing"));
        await using TestServer server = await TestServer.StartAsync(agi => agi
            .MapScript("ivr/main", main.RunAsync)
            .MapScript("ivr/billing", billing.RunAsync));

        FakeAsterisk first = AsteriskCalls.Strict("ivr/billing", "1700000004.3");
        first.Expect("SET VARIABLE RAN billing").Reply("200 result=1");
        FakeAsterisk second = AsteriskCalls.Strict("ivr/main", "1700000004.4");
        second.Expect("SET VARIABLE RAN main").Reply("200 result=1");

        FakeCallResult[] calls = await Task.WhenAll(first.CallAsync(server.Endpoint), second.CallAsync(server.Endpoint)).WaitOrFail("both calls");
        calls[0].AssertLines("SET VARIABLE RAN billing");
        calls[1].AssertLines("SET VARIABLE RAN main");
        await main.WaitAsync();
        await billing.WaitAsync();
    }

    [Fact]
    public async Task Unmapped_path_runs_the_fallback()
    {
        var fallback = new TestScript(async (s, ct) =>
        {
            Assert.Equal("somewhere/else", s.Request.ScriptPath);
            await s.CommandAsync("VERBOSE", $"fallback for {s.Request.ScriptPath}", "1");
        });
        await using TestServer server = await TestServer.StartAsync(agi => agi
            .MapScript("ivr/main", (s, ct) => throw new InvalidOperationException("Wrong script."))
            .MapFallback(fallback.RunAsync));
        FakeAsterisk asterisk = AsteriskCalls.Strict("somewhere/else?x=1", "1700000004.5");
        asterisk.Expect("VERBOSE \"fallback for somewhere/else\" 1").Reply("200 result=1");

        (await asterisk.CallAsync(server.Endpoint)).AssertLines("VERBOSE \"fallback for somewhere/else\" 1");
        await fallback.WaitAsync();
    }
}
