using BenchmarkDotNet.Attributes;
using FastAgi.Routing;

namespace FastAgi.Benchmarks;

/// <summary>
/// Resolving a call's script path: an exact path (a dictionary lookup), a templated route among twenty templates (the
/// lookup, a split of the path and the match), and a path no route takes. The table has 50 exact paths and 20 templates.
/// </summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private readonly AgiRouteTable _routes = new();

    [GlobalSetup]
    public void Setup()
    {
        AgiScript noop = static (_, _) => Task.CompletedTask;
        for (int i = 0; i < 50; i++)
        {
            _routes.Map($"ivr/menu{i}", noop);
        }

        for (int i = 0; i < 19; i++)
        {
            _routes.Map($"app{i}/{{tenant}}/main", noop);
        }

        _routes.Map("ivr/{tenant}/account/{id:int}", noop);
    }

    [Benchmark(Baseline = true)]
    public bool Exact() => _routes.TryResolve("ivr/menu42", out _);

    [Benchmark]
    public bool Templated() => _routes.TryResolve("ivr/acme/account/1234", out _);

    [Benchmark]
    public bool Unmatched() => _routes.TryResolve("nowhere/at/all", out _);
}
