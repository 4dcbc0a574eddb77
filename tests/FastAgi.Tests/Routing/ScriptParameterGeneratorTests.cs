using System.Collections.Immutable;
using FastAgi.Generators;
using FastAgi.Server;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FastAgi.Tests.Routing;

/// <summary>The script parameter generator at compile time: what it intercepts, what it refuses, and that its code compiles clean.</summary>
public class ScriptParameterGeneratorTests
{
    private static readonly CSharpParseOptions Parse = CSharpParseOptions.Default
        .WithLanguageVersion(LanguageVersion.Preview)
        .WithFeatures([new("InterceptorsNamespaces", "FastAgi.Generated")]);

    private static (ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> Compilation, string Generated) Run(string body)
    {
        string source = $$"""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using FastAgi.Hosting;
            using FastAgi.Routing;
            using FastAgi.Server;
            using Microsoft.Extensions.DependencyInjection;

            public interface IClock { DateTime Now { get; } }
            public struct Point { public int X; }

            public static class Routes
            {
                public static void Map(FastAgiBuilder agi)
                {
                    {{body}}
                }
            }
            """;
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        IEnumerable<MetadataReference> references = platform
            .Concat([typeof(AgiSession).Assembly.Location, typeof(ServiceCollection).Assembly.Location, typeof(IServiceCollection).Assembly.Location])
            .Distinct(StringComparer.Ordinal)
            .Select(static path => MetadataReference.CreateFromFile(path));
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Scripts",
            [CSharpSyntaxTree.ParseText(source, Parse, path: "Routes.cs")],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        GeneratorDriver driver = CSharpGeneratorDriver.Create([new ScriptParameterGenerator().AsSourceGenerator()], parseOptions: Parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation updated, out ImmutableArray<Diagnostic> generatorDiagnostics);
        string generated = string.Concat(driver.GetRunResult().GeneratedTrees.Select(static tree => tree.ToString()));
        return (generatorDiagnostics, updated.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray(), generated);
    }

    [Fact]
    public void A_lambda_with_parameters_is_intercepted_and_the_result_compiles_without_a_warning()
    {
        (ImmutableArray<Diagnostic> generator, ImmutableArray<Diagnostic> compilation, string generated) = Run("""
            agi.MapScript("ivr/{tenant}", async (AgiSession call, IClock clock, string tenant, [FromQuery] int? max, CancellationToken hangup) => await Task.Delay(1, hangup));
            agi.MapScript("plain", async (AgiSession call, CancellationToken hangup) => await Task.Delay(1, hangup));
            """);

        Assert.Empty(generator);
        Assert.Empty(compilation);
        Assert.Contains("InterceptsLocationAttribute(1, ", generated, StringComparison.Ordinal);
        Assert.Contains("RequireService(builder, path, \"clock\", typeof(global::IClock))", generated, StringComparison.Ordinal);
        Assert.Contains("ParseOptional<int>(global::FastAgi.Routing.AgiScriptParameters.Query(session, \"max\"), \"max\", \"query value 'max'\")", generated, StringComparison.Ordinal);

        // The (AgiSession, CancellationToken) lambda is an AgiScript already: nothing to intercept.
        Assert.Single(generated.Split("public static global::FastAgi.Hosting.FastAgiBuilder MapScript", StringSplitOptions.None).Skip(1));
    }

    [Theory]
    [InlineData("(AgiSession call, Point where) => Task.CompletedTask", "The script parameter 'where' is a Point, which is neither a simple value (string, a number, bool, Guid, an enum) nor a service.")]
    [InlineData("(AgiSession call, [FromQuery] IClock clock) => Task.CompletedTask", "The script parameter 'clock' takes its value from the call ([FromQuery]), so it must be a string, a number, bool, Guid or an enum, not IClock.")]
    [InlineData("(AgiSession call, [FromArgument(0)] string first) => Task.CompletedTask", "[FromArgument] on the script parameter 'first' counts from 1 (agi_arg_1), not 0.")]
    [InlineData("(AgiSession call, string tenant) => 42", "A FastAgi script returns Task or ValueTask; this lambda returns int.")]
    public void A_parameter_it_cannot_bind_is_compile_error_FASTAGI001(string script, string message)
    {
        (ImmutableArray<Diagnostic> generator, _, _) = Run($"agi.MapScript(\"x\", {script});");

        Diagnostic error = Assert.Single(generator);
        Assert.Equal(("FASTAGI001", DiagnosticSeverity.Error), (error.Id, error.Severity));
        Assert.Equal(message, error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}
