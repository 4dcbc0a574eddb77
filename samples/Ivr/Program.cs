HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.AddFastAgi(builder.Configuration.GetSection("FastAgi"))
    .MapScript("ivr/main", async (AgiSession call, CancellationToken hangup) =>
    {
        string language = call.Request.Query["lang"] ?? "en";
        string department = call.Request.Arguments.ElementAtOrDefault(0) ?? "sales";
        await call.AnswerAsync(hangup);
        await call.SetVariableAsync("CHANNEL(language)", language, hangup);
        GetDataResult account = await call.GetDataAsync("enter-account", TimeSpan.FromSeconds(5), maxDigits: 6, hangup);
        await call.VerboseAsync($"{department}: account '{account.Digits}' ({account.Status})", 1, hangup);
        await call.StreamFileAsync("goodbye", EscapeDigits.None, cancellationToken: hangup);
    });
await builder.Build().RunAsync();
