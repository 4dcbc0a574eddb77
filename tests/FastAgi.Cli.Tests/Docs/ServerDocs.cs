using FastAgi.Commands;
using FastAgi.Hosting;
using FastAgi.Routing;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FastAgi.Cli.Tests.Docs.Server;

/// <summary>The code samples of docs/server.md, compiled here; <see cref="DocsSampleTests"/> checks each one is in this file as written.</summary>
public static class ServerDocs
{
    public static void Hosting(HostApplicationBuilder builder)
    {
        builder.Services.AddFastAgi(builder.Configuration.GetSection("FastAgi"))   // or AddFastAgi(o => o.Listen = "127.0.0.1:4573")
            .MapScript("hello", async (session, hangup) => { /* ... */ })
            .MapScript<MainMenu>("ivr/main")                                       // a class implementing IAgiScript
            .MapFallback(async (session, hangup) => { /* any other path */ });
    }

    public static void Templates(HostApplicationBuilder builder)
    {
        builder.Services.AddFastAgi(builder.Configuration.GetSection("FastAgi"))
            .MapScript("ivr/{tenant}/main", async (AgiSession call, CancellationToken hangup) =>
                await call.VerboseAsync($"tenant {call.RouteValues["tenant"]}", 1, hangup))   // agi://host/ivr/acme/main
            .MapScript("account/{id:int}", AccountScript.RunAsync)                             // agi://host/account/42
            .MapScript("menu/{lang?}", MenuScript.RunAsync)                                    // menu and menu/fr
            .MapScript("files/{*rest}", FileScript.RunAsync);                                  // files, files/a/b: rest = "a/b"
    }

    public static void Parameters(FastAgiBuilder agi)
    {
        agi.MapScript("ivr/{tenant}/account/{id:int}", async (AgiSession call, IAccounts accounts, string tenant, int id,
            [FromQuery] string? lang, [FromArgument(1)] string department, CancellationToken hangup) =>
        {
            Account account = await accounts.FindAsync(tenant, id, hangup);
            await call.SetVariableAsync("CHANNEL(language)", lang ?? account.Language, hangup);
        });
    }

    public static void GroupsAndMiddleware(HostApplicationBuilder builder)
    {
        FastAgiBuilder agi = builder.Services.AddFastAgi(builder.Configuration.GetSection("FastAgi"));

        // An allowlist by caller id, and a backend fault turned into a dialplan outcome instead of FASTAGI_ERROR=EXCEPTION.
        agi.Use(async (call, next) =>
        {
            if (!Allowed(call.Request.CallerId))
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
                await call.SetVariableAsync("IVR_RESULT", "BACKEND_DOWN", call.HangupToken);
            }
        });

        agi.Use<CallTimingMiddleware>();                      // an IAgiMiddleware class, with its dependencies

        AgiRouteGroup tenant = agi.MapGroup("tenant/{tenant}")
            .Use(async (call, next) =>                       // per-tenant settings for every script of the group
            {
                call.Services.GetRequiredService<TenantContext>().Name = call.RouteValues["tenant"]!;
                await next();
            });
        tenant.MapScript<MainMenu>("main");                   // tenant/{tenant}/main
        tenant.MapScript<Billing>("billing/{account:int}");   // tenant/{tenant}/billing/{account:int}
    }

    private static bool Allowed(string? callerId) => callerId is not null;
}

public sealed class MainMenu : IAgiScript
{
    public async Task RunAsync(AgiSession session, CancellationToken cancellationToken) => await session.AnswerAsync(cancellationToken);
}

public sealed class Billing : IAgiScript
{
    public async Task RunAsync(AgiSession session, CancellationToken cancellationToken) => await session.AnswerAsync(cancellationToken);
}

public static class AccountScript
{
    public static async Task RunAsync(AgiSession session, CancellationToken cancellationToken) => await session.AnswerAsync(cancellationToken);
}

public static class MenuScript
{
    public static async Task RunAsync(AgiSession session, CancellationToken cancellationToken) => await session.AnswerAsync(cancellationToken);
}

public static class FileScript
{
    public static async Task RunAsync(AgiSession session, CancellationToken cancellationToken) => await session.AnswerAsync(cancellationToken);
}

public sealed record Account(string Language);

public interface IAccounts
{
    Task<Account> FindAsync(string tenant, int id, CancellationToken cancellationToken);
}

public sealed class TenantContext
{
    public string Name { get; set; } = string.Empty;
}

public sealed class CallTimingMiddleware : IAgiMiddleware
{
    public Task InvokeAsync(AgiSession session, Func<Task> next) => next();
}
