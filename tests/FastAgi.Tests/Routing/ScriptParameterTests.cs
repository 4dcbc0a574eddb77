using FastAgi.Commands;
using FastAgi.Hosting;
using FastAgi.Protocol;
using FastAgi.Routing;
using FastAgi.Server;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FastAgi.Tests.Routing;

/// <summary>Lambda scripts with parameters of their own, bound by the source generator's code: over loopback TCP, as Asterisk calls them.</summary>
public class ScriptParameterTests
{
    public interface IAccounts
    {
        string Owner(int id);
    }

    public enum Desk
    {
        Sales,
        Support,
    }

    private sealed class Accounts : IAccounts
    {
        public string Owner(int id) => "owner-" + id;
    }

    [Fact]
    public async Task Services_route_query_and_argument_values_are_bound_by_name_and_type()
    {
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript("ivr/{tenant}/account/{id:int}", async (AgiSession call, IAccounts accounts, string tenant, int id, [FromQuery] string? lang,
                [FromQuery(Name = "desk")] Desk? desk, [FromArgument(1)] string first, [FromArgument(3)] string? third, long? missing, CancellationToken hangup) =>
                await call.SetVariableAsync("SEEN", $"{tenant}|{accounts.Owner(id)}|{lang ?? "-"}|{desk}|{first}|{third ?? "-"}|{missing?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}|{hangup.CanBeCanceled}", hangup)),
            services: services => services.AddSingleton<IAccounts, Accounts>());

        FakeAsterisk asterisk = AsteriskCalls.Strict("ivr/acme/account/42?lang=fr&desk=SUPPORT", "1700000701.1", "one", "two");
        asterisk.Expect("SET VARIABLE SEEN acme|owner-42|fr|Support|one|-|-|True").Reply("200 result=1");
        (await asterisk.CallAsync(server.Endpoint)).AssertLines("SET VARIABLE SEEN acme|owner-42|fr|Support|one|-|-|True");
    }

    [Fact]
    public async Task The_request_route_values_and_a_value_task_script_are_bound_too()
    {
        await using TestServer server = await TestServer.StartAsync(agi => agi
            .MapGroup("tenant/{tenant}")
            .MapScript("main", (AgiSession call, AgiRequest request, AgiRouteValues values, [FromRoute(Name = "tenant")] string who) =>
                call.SendCommandAsync("VERBOSE", [request.ScriptPath + " " + values["tenant"] + " " + who, "1"], call.HangupToken).AsTask().ContinueWith(static _ => { }, TaskScheduler.Default) is { } done ? new ValueTask(done) : default));

        FakeAsterisk asterisk = AsteriskCalls.Strict("tenant/acme/main", "1700000701.2");
        asterisk.Expect("VERBOSE \"tenant/acme/main acme acme\" 1").Reply("200 result=1");
        (await asterisk.CallAsync(server.Endpoint)).AssertLines("VERBOSE \"tenant/acme/main acme acme\" 1");
    }

    [Fact]
    public async Task A_value_that_does_not_parse_ends_the_call_as_an_exception_naming_the_parameter()
    {
        await using TestServer server = await TestServer.StartAsync(agi => agi
            .MapScript("pay", async (AgiSession call, [FromQuery] int amount, CancellationToken hangup) => await call.VerboseAsync("paid " + amount, 1, hangup)));
        server.AllowErrors(static record => record.Id.Id == FastAgi.Diagnostics.AgiEventIds.ScriptFailed);

        FakeAsterisk asterisk = AsteriskCalls.Strict("pay?amount=ten", "1700000701.3");
        asterisk.Expect("SET VARIABLE FASTAGI_ERROR EXCEPTION").Reply("200 result=1");
        asterisk.Expect("failure");
        await asterisk.CallAsync(server.Endpoint);
        await server.Server.WhenNoConnectionsAsync().WaitOrFail("the call to close");

        Exception error = Assert.Single(server.LogsWithId(FastAgi.Diagnostics.AgiEventIds.ScriptFailed)).Exception!;
        Assert.IsType<AgiParameterBindingException>(error);
        Assert.Equal("The script's parameter 'amount' takes a Int32, but the call's query value 'amount' is 'ten'.", error.Message);
    }

    [Fact]
    public async Task A_service_nothing_registered_fails_start_up_naming_the_script_and_the_parameter()
    {
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer.StartAsync(agi => agi
            .MapScript("billing/{id:int}", async (AgiSession call, IAccounts accounts, int id, CancellationToken hangup) => await call.VerboseAsync(accounts.Owner(id), 1, hangup))));

        Assert.StartsWith("The script 'billing/{id:int}' takes the parameter 'accounts' of type FastAgi.Tests.Routing.ScriptParameterTests+IAccounts, which no service provides", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delegate_the_generator_did_not_see_is_refused_at_mapping_with_what_to_do()
    {
        var services = new ServiceCollection();
        Delegate script = (AgiSession call, string tenant) => Task.CompletedTask;
        FastAgiBuilder builder = services.AddFastAgi();

        // The generator intercepts MapScript calls whose script it can see; a Delegate variable it cannot bind.
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => Unseen(builder, script));
        Assert.StartsWith("MapScript(path, script) with parameters other than (AgiSession, CancellationToken) needs FastAgi's source generator", error.Message, StringComparison.Ordinal);

        static void Unseen(FastAgiBuilder builder, Delegate script) => builder.MapScript("x", script);
    }
}
