using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FastAgi.Generators;

/// <summary>
/// Intercepts <c>MapScript(path, Delegate)</c> calls on FastAgiBuilder and AgiRouteGroup whose script is a lambda or a method
/// with parameters of its own, and maps instead an AgiScript that binds each parameter with code written here: the session,
/// the hangup token, the request, the route values, simple values from the route, query or AGI arguments (parsed with the
/// invariant culture) and services from the call's scope. No reflection at run time, so trimming and NativeAOT keep working.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ScriptParameterGenerator : IIncrementalGenerator
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly DiagnosticDescriptor Unsupported = new(
        "FASTAGI001",
        "A script parameter cannot be bound",
        "{0}",
        "FastAgi",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<CallSite?> sites = context.SyntaxProvider.CreateSyntaxProvider(
            static (node, _) => node is InvocationExpressionSyntax
            {
                Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "MapScript" },
                ArgumentList.Arguments.Count: 2,
            },
            static (context, cancellationToken) => Analyze(context, cancellationToken));
        context.RegisterSourceOutput(sites.Where(static site => site is not null).Collect(), static (output, found) => Emit(output, found!));
    }

    private static CallSite? Analyze(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        SemanticModel model = context.SemanticModel;
        if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol { Parameters.Length: 2 } target
            || target.Parameters[1].Type.ToDisplayString() != "System.Delegate"
            || target.ContainingType.ToDisplayString() is not ("FastAgi.Hosting.FastAgiBuilder" or "FastAgi.Hosting.AgiRouteGroup"))
        {
            return null;
        }

        ExpressionSyntax scriptExpression = invocation.ArgumentList.Arguments[1].Expression;
        SymbolInfo scriptInfo = model.GetSymbolInfo(scriptExpression, cancellationToken);
        if ((scriptInfo.Symbol ?? scriptInfo.CandidateSymbols.FirstOrDefault()) is not IMethodSymbol script)
        {
            return null;
        }

        Location where = scriptExpression.GetLocation();
        string receiver = target.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        string? interceptor = model.GetInterceptableLocation(invocation, cancellationToken)?.GetInterceptsLocationAttributeSyntax();
        if (interceptor is null)
        {
            return null;
        }

        string returnType = script.ReturnType.ToDisplayString();
        bool valueTask = returnType == "System.Threading.Tasks.ValueTask";
        if (returnType != "System.Threading.Tasks.Task" && !valueTask)
        {
            string which = script.MethodKind == MethodKind.AnonymousFunction ? "this lambda" : $"'{script.Name}'";
            return CallSite.Error(where, $"A FastAgi script returns Task or ValueTask; {which} returns {returnType}.");
        }

        if (script.Parameters.Length > 16)
        {
            return CallSite.Error(where, "A FastAgi lambda script takes at most 16 parameters.");
        }

        var bindings = new List<string>();
        var services = new List<(string Parameter, string Type)>();
        var types = new List<string>();
        foreach (IParameterSymbol parameter in script.Parameters)
        {
            if (parameter.RefKind != RefKind.None || parameter.IsParams || parameter.HasExplicitDefaultValue)
            {
                return CallSite.Error(where, $"The script parameter '{parameter.Name}' is ref, out, in, params or has a default value, which FastAgi cannot bind; make it nullable to make it optional.");
            }

            string? binding = Bind(parameter, services, out string? problem);
            if (binding is null)
            {
                return CallSite.Error(where, problem!);
            }

            bindings.Add(binding);
            types.Add(parameter.Type.ToDisplayString(TypeFormat));
        }

        types.Add(script.ReturnType.ToDisplayString(TypeFormat));
        return new CallSite(interceptor, receiver, "global::System.Func<" + string.Join(", ", types) + ">", valueTask, bindings.ToArray(), services.ToArray(), null, null);
    }

    /// <summary>The expression that gives <paramref name="parameter"/> its value in the generated script, or null with the problem.</summary>
    private static string? Bind(IParameterSymbol parameter, List<(string, string)> services, out string? problem)
    {
        problem = null;
        ITypeSymbol type = parameter.Type;
        string typeName = type.ToDisplayString(TypeFormat);
        string plain = type.ToDisplayString();
        string name = parameter.Name;
        AttributeData? attribute = parameter.GetAttributes().FirstOrDefault(static a => a.AttributeClass?.ContainingNamespace.ToDisplayString() == "FastAgi.Routing"
            && a.AttributeClass.Name is "FromQueryAttribute" or "FromRouteAttribute" or "FromServicesAttribute" or "FromArgumentAttribute");
        string? from = attribute?.AttributeClass!.Name;

        if (from is null)
        {
            switch (plain)
            {
                case "FastAgi.Server.AgiSession":
                    return "session";
                case "System.Threading.CancellationToken":
                    return "cancellationToken";
                case "FastAgi.Protocol.AgiRequest":
                    return "session.Request";
                case "FastAgi.Routing.AgiRouteValues":
                    return "session.RouteValues";
            }
        }

        if (from == "FromServicesAttribute" || (from is null && !IsSimple(type)))
        {
            if (type.IsValueType)
            {
                problem = $"The script parameter '{name}' is a {plain}, which is neither a simple value (string, a number, bool, Guid, an enum) nor a service.";
                return null;
            }

            if (type.NullableAnnotation == NullableAnnotation.Annotated)
            {
                return $"global::FastAgi.Routing.AgiScriptParameters.OptionalService<{typeName}>(session)";
            }

            services.Add((name, type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
            return $"global::FastAgi.Routing.AgiScriptParameters.Service<{typeName}>(session)";
        }

        if (!IsSimple(type))
        {
            problem = $"The script parameter '{name}' takes its value from the call ([{from!.Replace("Attribute", string.Empty)}]), so it must be a string, a number, bool, Guid or an enum, not {plain}.";
            return null;
        }

        string key = attribute?.NamedArguments.FirstOrDefault(static a => a.Key == "Name").Value.Value as string ?? name;
        string source;
        string describe;
        switch (from)
        {
            case "FromQueryAttribute":
                source = $"global::FastAgi.Routing.AgiScriptParameters.Query(session, {Literal(key)})";
                describe = $"query value '{key}'";
                break;
            case "FromRouteAttribute":
                source = $"global::FastAgi.Routing.AgiScriptParameters.Route(session, {Literal(key)})";
                describe = $"route value '{key}'";
                break;
            case "FromArgumentAttribute":
                int position = attribute!.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int p ? p : 0;
                if (position < 1)
                {
                    problem = $"[FromArgument] on the script parameter '{name}' counts from 1 (agi_arg_1), not {position}.";
                    return null;
                }

                source = $"global::FastAgi.Routing.AgiScriptParameters.Argument(session, {position})";
                describe = $"argument {position}";
                break;
            default:
                source = $"global::FastAgi.Routing.AgiScriptParameters.RouteOrQuery(session, {Literal(key)})";
                describe = $"route or query value '{key}'";
                break;
        }

        string arguments = $"{source}, {Literal(name)}, {Literal(describe)}";
        if (type.SpecialType == SpecialType.System_String)
        {
            return type.NullableAnnotation == NullableAnnotation.Annotated ? source : $"global::FastAgi.Routing.AgiScriptParameters.Required({arguments})";
        }

        ITypeSymbol underlying = Underlying(type, out bool nullable);
        string underlyingName = underlying.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        bool isEnum = underlying.TypeKind == TypeKind.Enum;
        string method = (isEnum, nullable) switch
        {
            (true, true) => "ParseOptionalEnum",
            (true, false) => "ParseEnum",
            (false, true) => "ParseOptional",
            _ => "Parse",
        };
        return $"global::FastAgi.Routing.AgiScriptParameters.{method}<{underlyingName}>({arguments})";
    }

    private static ITypeSymbol Underlying(ITypeSymbol type, out bool nullable)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } named)
        {
            nullable = true;
            return named.TypeArguments[0];
        }

        nullable = false;
        return type;
    }

    /// <summary>Whether a value of the type comes from text: a string, an enum, or a value type that is IParsable (possibly nullable).</summary>
    private static bool IsSimple(ITypeSymbol type)
    {
        if (type.SpecialType == SpecialType.System_String)
        {
            return true;
        }

        ITypeSymbol underlying = Underlying(type, out _);
        return underlying.TypeKind == TypeKind.Enum
            || (underlying.IsValueType && underlying.AllInterfaces.Any(static i => i.OriginalDefinition.ToDisplayString() == "System.IParsable<TSelf>"));
    }

    private static string Literal(string text) => SymbolDisplay.FormatLiteral(text, quote: true);

    private static void Emit(SourceProductionContext output, ImmutableArray<CallSite> sites)
    {
        var source = new StringBuilder();
        int number = 0;
        foreach (CallSite site in sites)
        {
            if (site.Problem is not null)
            {
                output.ReportDiagnostic(Diagnostic.Create(Unsupported, site.ProblemLocation, site.Problem));
                continue;
            }

            string arguments = string.Join(", ", site.Bindings);
            string call = site.ValueTask ? $"typed({arguments}).AsTask()" : $"typed({arguments})";
            source.Append($$"""

                    {{site.Interceptor}}
                    public static {{site.Receiver}} MapScript{{number++}}(this {{site.Receiver}} builder, string path, global::System.Delegate script)
                    {
                        var typed = ({{site.DelegateType}})script;

                """);
            foreach ((string parameter, string type) in site.Services)
            {
                source.Append($"        global::FastAgi.Routing.AgiScriptParameters.RequireService(builder, path, {Literal(parameter)}, typeof({type}));\n");
            }

            source.Append($$"""
                        return builder.MapScript(path, (global::FastAgi.Server.AgiSession session, global::System.Threading.CancellationToken cancellationToken) => {{call}});
                    }

                """);
        }

        if (number == 0)
        {
            return;
        }

        output.AddSource("FastAgiScriptParameters.g.cs", $$"""
            // <auto-generated>FastAgi's script parameter binding: MapScript(path, lambda) calls, intercepted.</auto-generated>
            #nullable enable

            namespace System.Runtime.CompilerServices
            {
                [global::System.AttributeUsage(global::System.AttributeTargets.Method, AllowMultiple = true)]
                file sealed class InterceptsLocationAttribute : global::System.Attribute
                {
                    public InterceptsLocationAttribute(int version, string data)
                    {
                        _ = version;
                        _ = data;
                    }
                }
            }

            namespace FastAgi.Generated
            {
                [global::System.CodeDom.Compiler.GeneratedCode("FastAgi.Generators", "1.0")]
                file static class ScriptParameterBindings
                {
            {{source}}    }
            }
            """);
    }

    /// <summary>One intercepted call: what the generated method needs, or the problem to report. Strings only, so that it compares by value between runs.</summary>
    private sealed record CallSite(string Interceptor, string Receiver, string DelegateType, bool ValueTask, EquatableArray<string> Bindings, EquatableArray<(string Parameter, string Type)> Services, string? Problem, Location? ProblemLocation)
    {
        public static CallSite Error(Location location, string problem) => new(string.Empty, string.Empty, string.Empty, false, default, default, problem, location);
    }
}
