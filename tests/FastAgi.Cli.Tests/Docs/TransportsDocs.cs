using FastAgi.Classic;
using FastAgi.Commands;
using FastAgi.Routing;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FastAgi.Cli.Tests.Docs.Transports;

/// <summary>The classic AGI program of docs/transports.md.</summary>
public static class ClassicProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        HostApplicationBuilder builder = AgiClassic.CreateApplicationBuilder(args);   // logs on stderr: stdout carries the commands
        builder.Services.AddFastAgi().MapScript<MainMenu>("ivr/main");
        return await AgiClassic.RunAsync(builder.Build().Services);
    }
}

public sealed class MainMenu : IAgiScript
{
    public async Task RunAsync(AgiSession session, CancellationToken cancellationToken) => await session.AnswerAsync(cancellationToken);
}
