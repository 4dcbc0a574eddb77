using MyIvr;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);

// Under systemd (Type=notify): READY=1 once listening, STOPPING=1 when the drain begins, journald's log format.
builder.Services.AddSystemd();

builder.Services.AddFastAgi(builder.Configuration.GetSection("FastAgi"))
    .MapScript<MainMenu>("ivr/main")

    // A lambda script takes what it needs as parameters: the route's {tenant}, the URL's ?lang=, services, the hangup token.
    .MapScript("ivr/{tenant}/hello", async (AgiSession call, string tenant, [FromQuery] string? lang, CancellationToken hangup) =>
    {
        await call.SetVariableAsync("CHANNEL(language)", lang ?? "en", hangup);
        await call.VerboseAsync($"hello from {tenant}", 1, hangup);
        await call.StreamFileAsync("hello-world", cancellationToken: hangup);
    });

await builder.Build().RunAsync();
