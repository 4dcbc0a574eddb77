using System.Net;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FastAgi.Testing.Tests;

/// <summary>The fake against a real FastAgi server in a host, over loopback TCP.</summary>
public sealed class TcpTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly TaskCompletionSource<bool> _tokenFired = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IHost? _host;

    private IPEndPoint Endpoint => _host!.Services.GetRequiredService<AgiServer>().Endpoints[0];

    public async Task InitializeAsync()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddFastAgi(static options => options.Listen = "127.0.0.1:0")
            .MapScript("menu", static async (session, hangup) =>
            {
                await session.SendCommandAsync("ANSWER", hangup);
                var key = await session.SendCommandAsync("GET DATA", ["menu", "3000", "1"], hangup);
                await session.SendCommandAsync("SET VARIABLE", ["CHOICE", key.Result], hangup);
            })
            .MapScript("wait", async (session, hangup) =>
            {
                await session.SendCommandAsync("ANSWER", hangup);
                try
                {
                    await Task.Delay(Timeout.Infinite, hangup);
                }
                finally
                {
                    _tokenFired.TrySetResult(hangup.IsCancellationRequested);
                }
            });
        _host = builder.Build();
        await _host.StartAsync().WaitAsync(Bound);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync().WaitAsync(Bound);
            _host.Dispose();
        }
    }

    [Fact]
    public async Task A_call_over_tcp()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Environment.Script("menu");
        asterisk.Caller.Presses("3");
        FakeCallResult call = await asterisk.CallAsync(Endpoint);

        call.AssertCommands("ANSWER", "GET DATA menu 3000 1", "SET VARIABLE CHOICE 3");
        Assert.Equal(FakeCallEnding.ServerClosed, call.Ending);
        Assert.Equal("SUCCESS", call.AgiStatus);
    }

    [Fact]
    public async Task A_caller_hangup_over_tcp_reaches_the_scripts_token()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Environment.Script("wait");
        asterisk.Caller.HangsUpAfter(1);
        FakeCallResult call = await asterisk.CallAsync(Endpoint);

        Assert.True(await _tokenFired.Task.WaitAsync(Bound));
        Assert.Equal("HANGUP", call.AgiStatus);
    }

    [Fact]
    public async Task An_unknown_script_over_tcp_ends_with_the_failure_line()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Environment.Script("nothing-here");
        asterisk.Expect("failure");
        FakeCallResult call = await asterisk.CallAsync(Endpoint);

        Assert.Equal(FakeCallEnding.FailureLine, call.Ending);
        Assert.Equal("NOTFOUND", call.VariablesSet[AgiConnectionHandler.ErrorVariable]);
    }
}
