using System.Collections.Concurrent;
using System.Globalization;
using FastAgi.Routing;
using FastAgi.Server;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FastAgi.Tests.Routing;

/// <summary>Scripts written as classes (<c>MapScript&lt;T&gt;</c>): created per call from that call's service scope.</summary>
public class ClassScriptTests
{
    [Fact]
    public async Task Class_script_gets_a_scoped_dependency_per_call_disposed_when_the_call_ends()
    {
        const int Calls = 3;
        var tracker = new CallTracker();
        await using TestServer server = await TestServer.StartAsync(
            agi => agi.MapScript<GreetingScript>("greeting"),
            services: services => services.AddSingleton(tracker).AddScoped<CallDependency>());

        var seenIds = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, Calls).Select(async i =>
        {
            string uniqueId = string.Create(CultureInfo.InvariantCulture, $"1700000005.{i}");
            FakeAsterisk asterisk = AsteriskCalls.Strict("greeting", uniqueId);
            asterisk.Expect("SET VARIABLE DEPENDENCY").Reply("200 result=1");
            FakeCallResult call = await asterisk.CallAsync(server.Endpoint);
            string line = Assert.Single(call.CommandLines);
            Assert.StartsWith($"SET VARIABLE DEPENDENCY {uniqueId}/", line, StringComparison.Ordinal);
            call.AssertLines(line);
            seenIds.Add(line);
        })).WaitOrFail("the calls");

        CallDependency[] created = [.. tracker.Created];
        Assert.Equal(Calls, created.Length);
        Assert.Equal(Calls, created.Distinct().Count());
        Assert.Equal(Calls, seenIds.Distinct().Count());
        foreach (CallDependency dependency in created)
        {
            await dependency.Disposed.WaitOrFail($"the scope of call {dependency.UniqueId} to dispose its dependency");
        }
    }

    /// <summary>Records every <see cref="CallDependency"/> the scripts were given.</summary>
    public sealed class CallTracker
    {
        public ConcurrentQueue<CallDependency> Created { get; } = new();
    }

    /// <summary>A scoped service: one per call.</summary>
    public sealed class CallDependency : IAsyncDisposable
    {
        private static int _next;
        private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Id { get; } = Interlocked.Increment(ref _next);

        public string? UniqueId { get; set; }

        public Task Disposed => _disposed.Task;

        public ValueTask DisposeAsync()
        {
            _disposed.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A class script with a scoped dependency.</summary>
    public sealed class GreetingScript(CallDependency dependency, CallTracker tracker) : IAgiScript
    {
        public async Task RunAsync(AgiSession session, CancellationToken cancellationToken)
        {
            dependency.UniqueId = session.Request.UniqueId;
            tracker.Created.Enqueue(dependency);

            // The script and the session's services share the call's scope.
            Assert.Same(dependency, session.Services.GetRequiredService<CallDependency>());
            await session.CommandAsync("SET VARIABLE", "DEPENDENCY", string.Create(CultureInfo.InvariantCulture, $"{session.Request.UniqueId}/{dependency.Id}"));
            Assert.False(dependency.Disposed.IsCompleted, "The call's scope was disposed while its script ran.");
        }
    }
}
