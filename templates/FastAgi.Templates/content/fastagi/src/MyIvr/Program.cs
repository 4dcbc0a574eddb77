using MyIvr;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);

// Under systemd (Type=notify): READY=1 once listening, STOPPING=1 when the drain begins, journald's log format.
builder.Services.AddSystemd();

builder.Services.AddFastAgi(builder.Configuration.GetSection("FastAgi"))
    .MapScript<MainMenu>("ivr/main");

await builder.Build().RunAsync();
