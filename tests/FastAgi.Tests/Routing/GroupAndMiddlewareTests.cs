using System.Collections.Concurrent;
using FastAgi.Commands;
using FastAgi.Hosting;
using FastAgi.Routing;
using FastAgi.Server;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace FastAgi.Tests.Routing;

/// <summary>Route templates, groups and middleware end to end: over loopback TCP, as Asterisk calls them.</summary>
public partial class GroupAndMiddlewareTests
{
    [Fact]
    public async Task A_templated_route_gives_the_script_its_values_and_names_its_metrics_by_template()
    {
        await using TestServer server = await TestServer.StartAsync(agi => agi
            .MapScript("ivr/{tenant}/account/{id:int}", static async (call, hangup) =>
                await call.SetVariableAsync("SEEN", call.RouteValues["tenant"] + ":" + call.RouteValues["id"], hangup)));

        FakeAsterisk asterisk = AsteriskCalls.Strict("ivr/Acme/account/42?lang=fr", "1700000601.1");
        asterisk.Expect("SET VARIABLE SEEN Acme:42").Reply("200 result=1");
        (await asterisk.CallAsync(server.Endpoint)).AssertLines("SET VARIABLE SEEN Acme:42");

        FakeAsterisk unknown = AsteriskCalls.Strict("ivr/Acme/account/x", "1700000601.2");
        unknown.Expect("SET VARIABLE FASTAGI_ERROR NOTFOUND").Reply("200 result=1");
        unknown.Expect("failure");
        Assert.Equal(FakeCallEnding.FailureLine, (await unknown.CallAsync(server.Endpoint)).Ending);
    }

    [Fact]
    public async Task Middleware_runs_outside_in_the_table_s_then_the_groups_around_the_script()
    {
        await using TestServer server = await TestServer.StartAsync(agi =>
        {
            agi.Use(static async (call, next) =>
            {
                await call.VerboseAsync("table before", 1);
                await next();
                await call.VerboseAsync("table after", 1);
            });
            AgiRouteGroup tenant = agi.MapGroup("tenant/{tenant}")
                .MapScript("main", static async (call, hangup) => await call.VerboseAsync("script " + call.RouteValues["tenant"], 1, hangup));
            tenant.Use(static async (call, next) =>
            {
                await call.VerboseAsync("tenant " + call.RouteValues["tenant"], 1);
                await next();
            });
            tenant.MapGroup("{desk:alpha}").Use(static async (call, next) =>
            {
                await call.VerboseAsync("desk " + call.RouteValues["desk"], 1);
                await next();
            }).MapScript("menu", static async (call, hangup) => await call.VerboseAsync("menu", 1, hangup));
            agi.MapScript("plain", static async (call, hangup) => await call.VerboseAsync("plain", 1, hangup));
        });

        FakeAsterisk main = AsteriskCalls.Strict("tenant/acme/main", "1700000602.1");
        FakeAsterisk menu = AsteriskCalls.Strict("tenant/acme/sales/menu", "1700000602.2");
        FakeAsterisk plain = AsteriskCalls.Strict("plain", "1700000602.3");
        foreach (FakeAsterisk asterisk in new[] { main, menu, plain })
        {
            asterisk.Options.Strict = false;
        }

        Assert.Equal(["VERBOSE \"table before\" 1", "VERBOSE \"tenant acme\" 1", "VERBOSE \"script acme\" 1", "VERBOSE \"table after\" 1"], (await main.CallAsync(server.Endpoint)).CommandLines);
        Assert.Equal(["VERBOSE \"table before\" 1", "VERBOSE \"tenant acme\" 1", "VERBOSE \"desk sales\" 1", "VERBOSE menu 1", "VERBOSE \"table after\" 1"], (await menu.CallAsync(server.Endpoint)).CommandLines);
        Assert.Equal(["VERBOSE \"table before\" 1", "VERBOSE plain 1", "VERBOSE \"table after\" 1"], (await plain.CallAsync(server.Endpoint)).CommandLines);
    }

    [Fact]
    public async Task Middleware_can_end_the_call_without_the_script_or_turn_its_exception_into_an_outcome()
    {
        var ran = new ConcurrentQueue<string>();
        await using TestServer server = await TestServer.StartAsync(agi => agi
            .Use(async (call, next) =>
            {
                // An allowlist by caller id: others hear a message and never reach a script.
                if (call.Request.CallerId is not ("1000" or "1001"))
                {
                    await call.StreamFileAsync("not-allowed", cancellationToken: call.HangupToken);
                    return;
                }

                try
                {
                    await next();
                }
                catch (TimeoutException)
                {
                    await call.SetVariableAsync("FASTAGI_ERROR", "BACKEND", call.HangupToken);
                }
            })
            .MapScript("billing", async (call, hangup) =>
            {
                ran.Enqueue(call.Request.CallerId!);
                await Task.Yield();
                throw new TimeoutException("the billing database did not answer");
            }));

        FakeAsterisk stranger = new();
        stranger.Environment.Script("billing").CallerId("5559999");
        (await stranger.CallAsync(server.Endpoint)).AssertCommands("STREAM FILE not-allowed \"\"");

        FakeAsterisk customer = new();
        customer.Environment.Script("billing").CallerId("1000");
        FakeCallResult call = await customer.CallAsync(server.Endpoint);
        call.AssertCommands("SET VARIABLE FASTAGI_ERROR BACKEND");
        Assert.Equal("SUCCESS", call.AgiStatus);
        Assert.Equal(["1000"], ran);
    }

    [Fact]
    public async Task Class_middleware_is_created_per_call_in_its_scope_and_logs_in_the_call_s_logging_scope()
    {
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.Use<TimingMiddleware>().MapScript("ivr", static async (call, hangup) => await call.AnswerAsync(hangup)),
            services: services => services.AddScoped<CallCounter>());

        for (int i = 1; i <= 2; i++)
        {
            FakeAsterisk asterisk = AsteriskCalls.Strict("ivr", $"1700000603.{i}");
            asterisk.Options.Strict = false;
            (await asterisk.CallAsync(server.Endpoint)).AssertCommands("ANSWER");
        }

        await server.Server.WhenNoConnectionsAsync().WaitOrFail("the calls to close");
        FakeLogRecord[] timed = [.. server.Logs.GetSnapshot().Where(static r => r.Category?.EndsWith(".TimingMiddleware", StringComparison.Ordinal) == true)];
        Assert.Equal(2, timed.Length);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal("1", timed[i].GetStructuredStateValue("Instances"));
            var scope = Assert.IsAssignableFrom<IEnumerable<KeyValuePair<string, object?>>>(Assert.Single(timed[i].Scopes));
            Assert.Contains(new KeyValuePair<string, object?>("AgiUniqueId", $"1700000603.{i + 1}"), scope);
        }
    }

    public sealed class CallCounter
    {
        public int Instances { get; set; }
    }

    public sealed partial class TimingMiddleware(CallCounter counter, ILogger<TimingMiddleware> logger) : IAgiMiddleware
    {
        public async Task InvokeAsync(AgiSession session, Func<Task> next)
        {
            counter.Instances++;
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            await next();
            Log(logger, session.Request.ScriptPath, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, counter.Instances);
        }

        [LoggerMessage(LogLevel.Information, "{Script} took {Ms} ms ({Instances} middleware in this call's scope)")]
        private static partial void Log(ILogger logger, string script, double ms, int instances);
    }
}
