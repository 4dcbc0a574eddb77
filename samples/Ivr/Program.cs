using FastAgi.Protocol;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.AddFastAgi(builder.Configuration.GetSection("FastAgi"))
    .MapScript("ivr/main", async (AgiSession call, CancellationToken hangup) =>
    {
        string language = call.Request.Query["lang"] ?? "en";
        string account = call.Request.Arguments.ElementAtOrDefault(0) ?? "unknown";
        await call.SendCommandAsync("ANSWER", hangup);
        await call.SendCommandAsync("SET VARIABLE", ["CHANNEL(language)", language], hangup);
        AgiReply reply = await call.SendCommandAsync("GET DATA", ["enter-account", "5000", "4"], hangup);
        await call.SendCommandAsync("VERBOSE", [$"account {account} entered {reply.Result}", "1"], hangup);
        await call.SendCommandAsync("STREAM FILE", ["goodbye", ""], hangup);
    });
await builder.Build().RunAsync();
