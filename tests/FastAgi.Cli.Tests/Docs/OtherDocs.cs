using FastAgi.Commands;
using FastAgi.Diagnostics;
using FastAgi.Routing;
using FastAgi.Server;
using FastAgi.Testing;
using FastAgi.Testing.Replay;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FastAgi.Cli.Tests.Docs.Other;

/// <summary>The code samples of docs/commands.md, docs/observability.md (the redaction one), docs/scale-out.md and docs/testing.md (the replay one).</summary>
public static class OtherDocs
{
    public static async Task Commands(AgiSession call, CancellationToken hangup)
    {
        await call.AnswerAsync(hangup);
        PlaybackResult greeting = await call.StreamFileAsync("welcome", EscapeDigits.Any, cancellationToken: hangup);
        GetDataResult pin = await call.GetDataAsync("enter-pin", TimeSpan.FromSeconds(5), maxDigits: 4, hangup);
        if (pin.TimedOut && pin.Digits.Length == 0) { /* nothing entered: not an error */ }
        _ = greeting;
    }

    public static void Redaction(HostApplicationBuilder builder)
    {
        builder.Services.AddRedaction(redaction => redaction.SetHmacRedactor(
            options => { options.KeyId = 1; options.Key = builder.Configuration["Redaction:Key"]!; },
            new DataClassificationSet(AgiDataClassifications.CallerInput)));
    }

    public static void SharedState(HostApplicationBuilder builder)
    {
        builder.Services.AddDistributedMemoryCache();
        builder.Services.AddFastAgi(builder.Configuration.GetSection("FastAgi")).MapScript<ResumeMenu>("ivr/resume");
    }

    public static async Task Replay()
    {
        AgiRecording recording = AgiRecording.Load("TestData/asterisk/02c-database.json");
        FakeCallResult call = await FakeAsterisk.FromRecording(recording.Main).CallAsync(MyScript.RunAsync);
        _ = call;
    }
}

public sealed class ResumeMenu(IDistributedCache store) : IAgiScript
{
    public async Task RunAsync(AgiSession call, CancellationToken hangup)
    {
        string caller = call.Request.CallerId ?? "unknown";
        string? step = await store.GetStringAsync($"ivr:{caller}:step", hangup);
        await call.StreamFileAsync(step is null ? "welcome" : "welcome-back", cancellationToken: hangup);
        await store.SetStringAsync($"ivr:{caller}:step", "menu", new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromHours(1) }, hangup);
    }
}

public static class MyScript
{
    public static async Task RunAsync(AgiSession session, CancellationToken cancellationToken) => await session.AnswerAsync(cancellationToken);
}
