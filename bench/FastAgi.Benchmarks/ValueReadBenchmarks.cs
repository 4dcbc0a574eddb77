using BenchmarkDotNet.Attributes;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;

namespace FastAgi.Benchmarks;

/// <summary>
/// The cost of reading values exactly: a call of 100 GET VARIABLE commands served by the connection handler over in-memory
/// pipes, fenced (the default, as <c>GetVariableAsync</c> sends it) against line-framed, with Asterisk played by a loop that
/// answers each line at once. No network: the figures are the server's CPU and allocations per value read; on a network the fence adds
/// one round trip.
/// </summary>
[MemoryDiagnoser]
public class ValueReadBenchmarks
{
    private const int Reads = 100;
    private static readonly byte[] Environment = InMemoryCall.EnvironmentFor("values");

    private ServiceProvider? _services;
    private AgiConnectionHandler? _handler;

    [Params(AgiReplyFraming.Line, AgiReplyFraming.Fenced)]
    public AgiReplyFraming Framing { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddFastAgi().MapScript("values", async (call, hangup) =>
        {
            string[] variable = ["V"];
            for (int i = 0; i < Reads; i++)
            {
                await call.SendCommandAsync("GET VARIABLE", variable, Framing, hangup).ConfigureAwait(false);
            }
        });
        _services = services.BuildServiceProvider();
        _handler = _services.GetRequiredService<AgiConnectionHandler>();
    }

    [GlobalCleanup]
    public void Cleanup() => _services?.Dispose();

    [Benchmark(OperationsPerInvoke = Reads, Description = "one GET VARIABLE, within a call of 100")]
    public async Task ReadValues()
    {
        await InMemoryCall.RunAsync(_handler!, Environment).ConfigureAwait(false);
    }
}
