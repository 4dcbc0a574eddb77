using System.IO.Pipelines;
using System.Text;
using FastAgi.Classic;
using FastAgi.Commands;
using FastAgi.Protocol;
using FastAgi.Testing;
using FastAgi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FastAgi.Tests.Classic;

/// <summary>Classic AGI in-process: the environment a local script gets (c01), the route taken from an argument, SIGHUP as the hangup (c02), exit codes.</summary>
public class ClassicAgiTests
{
    private static string Environment(params string[] arguments)
    {
        // c01: the FastAGI lines without agi_network and agi_network_script; agi_request is the AGI() argument as written.
        var block = new StringBuilder("agi_request: myivr\nagi_channel: PJSIP/1000-00000007\nagi_language: en\nagi_type: PJSIP\nagi_uniqueid: 1700000100.7\n"
            + "agi_version: 22.10.1\nagi_callerid: 1000\nagi_calleridname: Alice\nagi_callingpres: 0\nagi_callingani2: 0\nagi_callington: 0\nagi_callingtns: 0\n"
            + "agi_dnid: 100\nagi_rdnis: unknown\nagi_context: classic-test\nagi_extension: 100\nagi_priority: 1\nagi_enhanced: 0.0\nagi_accountcode: \nagi_threadid: 1\n");
        for (int i = 0; i < arguments.Length; i++)
        {
            block.Append("agi_arg_").Append(i + 1).Append(": ").Append(arguments[i]).Append('\n');
        }

        return block.Append('\n').ToString();
    }

    [Fact]
    public void The_script_path_comes_from_an_argument_and_the_rest_are_the_script_s()
    {
        var request = new AgiRequest(new AgiRequestParserFacade(Environment("ivr/main?lang=fr", "support", "")).Lines);

        AgiRequest routed = AgiClassic.RouteFromArgument(request, 1);

        Assert.Equal("ivr/main", routed.ScriptPath);
        Assert.Equal("fr", routed.Query["lang"]);
        Assert.Equal(["support", ""], routed.Arguments);
        Assert.Equal("PJSIP/1000-00000007", routed.Channel);
        Assert.Same(request, AgiClassic.RouteFromArgument(request, 4));
        Assert.Equal(string.Empty, AgiClassic.RouteFromArgument(request, 0).ScriptPath);
    }

    [Fact]
    public async Task A_call_runs_over_the_pipes_with_routing_and_exits_0()
    {
        await using ServiceProvider services = Services(agi => agi.MapScript("ivr/{desk}", static async (call, hangup) =>
            await call.SendCommandAsync("VERBOSE", [call.RouteValues["desk"] + " " + string.Join(',', call.Request.Arguments), "1"], hangup)));
        using var asterisk = new ClassicAsterisk(Environment("ivr/sales", "a", "b"));

        Task<int> run = AgiClassic.RunAsync(services, asterisk.Input, asterisk.Output, 1, CancellationToken.None, CancellationToken.None);

        Assert.Equal("VERBOSE \"sales a,b\" 1", await asterisk.ReadCommandAsync());
        await asterisk.ReplyAsync("200 result=1");
        Assert.Null(await asterisk.ReadCommandAsync());
        Assert.Equal(AgiClassic.Completed, await run.WaitAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task The_hangup_signal_fires_the_token_and_commands_go_on_in_dead_channel_mode()
    {
        var hungUp = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using ServiceProvider services = Services(agi => agi.MapScript("menu", async (call, hangup) =>
        {
            await call.SendCommandAsync("STREAM FILE", ["menu", ""], hangup);
            await hungUp.Task;
            seen.SetResult(hangup.IsCancellationRequested);
            try
            {
                await call.StreamFileAsync("goodbye", cancellationToken: hangup);
            }
            finally
            {
                await call.SendCommandAsync("SET VARIABLE", ["CLEANED", "yes"], CancellationToken.None);
            }
        }));
        using var asterisk = new ClassicAsterisk(Environment("menu"));
        using var sighup = new CancellationTokenSource();
        Task<int> run = AgiClassic.RunAsync(services, asterisk.Input, asterisk.Output, 1, sighup.Token, CancellationToken.None);

        Assert.Equal("STREAM FILE menu \"\"", await asterisk.ReadCommandAsync());
        await asterisk.ReplyAsync("200 result=-1 endpos=1200");
        sighup.Cancel();
        hungUp.SetResult(true);

        // c02: a channel command after the hangup gets 511 (the typed call throws AgiHangupException); the clean-up's
        // SET VARIABLE works on the dead channel.
        Assert.True(await seen.Task.WaitAsync(TestTimeouts.Default));
        Assert.Equal("STREAM FILE goodbye \"\"", await asterisk.ReadCommandAsync());
        await asterisk.ReplyAsync("511 Command Not Permitted on a dead channel or intercept routine");
        Assert.Equal("SET VARIABLE CLEANED yes", await asterisk.ReadCommandAsync());
        await asterisk.ReplyAsync("200 result=1");
        Assert.Null(await asterisk.ReadCommandAsync());
        Assert.Equal(AgiClassic.Completed, await run.WaitAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task No_environment_exits_2_and_an_unmapped_path_exits_1()
    {
        await using ServiceProvider services = Services(agi => agi.MapScript("menu", static (_, _) => Task.CompletedTask));

        using var empty = new ClassicAsterisk(string.Empty);
        empty.Close();
        Assert.Equal(AgiClassic.NoCall, await AgiClassic.RunAsync(services, empty.Input, empty.Output, 1, CancellationToken.None, CancellationToken.None).WaitAsync(TestTimeouts.Default));

        using var unmapped = new ClassicAsterisk(Environment("nowhere"));
        Task<int> run = AgiClassic.RunAsync(services, unmapped.Input, unmapped.Output, 1, CancellationToken.None, CancellationToken.None);
        Assert.Equal("SET VARIABLE FASTAGI_ERROR NOTFOUND", await unmapped.ReadCommandAsync());
        await unmapped.ReplyAsync("200 result=1");
        Assert.Equal("failure", await unmapped.ReadCommandAsync());
        unmapped.Close();
        Assert.Equal(AgiClassic.Failed, await run.WaitAsync(TestTimeouts.Default));
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 1)]
    public async Task The_fake_plays_classic_Asterisk_a_SIGHUP_for_a_hangup_and_none_for_a_closed_stdout(bool hangUp, int signals)
    {
        await using ServiceProvider services = Services(agi => agi.MapScript("menu", async (call, hangup) =>
        {
            await call.AnswerAsync(hangup);
            if (hangUp)
            {
                await call.HangupAsync(hangup);
            }
        }));
        var toScript = new Pipe();
        var fromScript = new Pipe();
        int signalled = 0;
        using var sighup = new CancellationTokenSource();
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions
        {
            HangupSignal = () =>
            {
                Interlocked.Increment(ref signalled);
                sighup.Cancel();
            },
        });
        asterisk.Environment.Remove("agi_network").Remove("agi_network_script").Arguments("menu");

        Task<int> run = AgiClassic.RunAsync(services, toScript.Reader, fromScript.Writer.AsStream(), 1, sighup.Token, CancellationToken.None);
        FakeCallResult call = await asterisk.CallAsync(new Pipes(fromScript.Reader, toScript.Writer));

        Assert.Equal(hangUp ? ["ANSWER", "HANGUP"] : ["ANSWER"], call.CommandLines);
        Assert.DoesNotContain("<- HANGUP", call.Transcript, StringComparison.Ordinal);
        Assert.Equal(signals, signalled);
        Assert.Equal(AgiClassic.Completed, await run.WaitAsync(TestTimeouts.Default));
    }

    private sealed class Pipes(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    private static ServiceProvider Services(Action<FastAgi.Hosting.FastAgiBuilder> map)
    {
        var services = new ServiceCollection();
        map(services.AddFastAgi());
        return services.BuildServiceProvider();
    }

    /// <summary>Asterisk's side of the two pipes of a local script: it writes the environment and the replies, and reads the commands.</summary>
    private sealed class ClassicAsterisk : IDisposable
    {
        private readonly Pipe _toScript = new();
        private readonly StreamReader _fromScript;
        private readonly Pipe _commands = new();

        public ClassicAsterisk(string environment)
        {
            Output = _commands.Writer.AsStream();
            _fromScript = new StreamReader(_commands.Reader.AsStream(), Encoding.UTF8);
            if (environment.Length > 0)
            {
                _ = _toScript.Writer.WriteAsync(Encoding.UTF8.GetBytes(environment)).AsTask();
            }
        }

        public PipeReader Input => _toScript.Reader;

        public Stream Output { get; }

        public async Task<string?> ReadCommandAsync() => await _fromScript.ReadLineAsync().WaitAsync(TestTimeouts.Default);

        public async Task ReplyAsync(string line)
        {
            await _toScript.Writer.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        }

        public void Close() => _toScript.Writer.Complete();

        public void Dispose() => _fromScript.Dispose();
    }

    private sealed class AgiRequestParserFacade(string block)
    {
        public IEnumerable<KeyValuePair<string, string>> Lines => block.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(static line => new KeyValuePair<string, string>(line[..line.IndexOf(':', StringComparison.Ordinal)], line[(line.IndexOf(':', StringComparison.Ordinal) + 2)..]));
    }
}
