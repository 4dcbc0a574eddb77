using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastAgi.Cli.Tests;

/// <summary>
/// Two real <c>fastagi serve</c> instances behind Debian's nginx (stream, <c>proxy_protocol on</c>) and HAProxy
/// (<c>send-proxy-v2</c>, health check on <c>/readyz</c>): calls spread over both; a drained instance stops taking calls at
/// once and finishes its own; a killed one loses only its own.
/// </summary>
[Collection(TelemetryHostsTests.Name)]
public sealed class LoadBalancerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Calls = 10;

    [BalancerFact("nginx")]
    public async Task Behind_nginx_calls_spread_a_killed_instance_loses_only_its_calls_and_a_drained_one_finishes_its_own()
    {
        await using ServeProcess a = await ServeProcess.StartAsync();
        ServeProcess b = await ServeProcess.StartAsync();
        try
        {
            await using Balancer nginx = await Balancer.StartNginxAsync(a, b);

            // Spread: round robin over both.
            await PlaceCallsAsync(nginx, Calls);
            await a.WaitUntilAsync(() => Task.FromResult(a.CallsEnded + b.CallsEnded == Calls), "done with the calls");
            Assert.True(a.CallsEnded > 0 && b.CallsEnded > 0, $"a: {a.CallsEnded}, b: {b.CallsEnded}");
            int spreadToA = a.CallsEnded;

            // Killed: one call on each; only the killed instance's call ends, and new calls go to the other.
            await using HelloCall first = await HelloCall.StartAsync(nginx.Endpoint, "1700000980.1");
            await using HelloCall second = await HelloCall.StartAsync(nginx.Endpoint, "1700000980.2");
            await a.WaitUntilAsync(async () => await a.ActiveCallsAsync() == 1 && await b.ActiveCallsAsync() == 1, "holding one call each");
            b.Kill();
            await b.WaitForExitAsync();
            Assert.Equal(1, await FinishedAsync(first) + await FinishedAsync(second));
            await PlaceCallsAsync(nginx, 4);
            await a.WaitUntilAsync(() => Task.FromResult(a.CallsEnded == spreadToA + 1 + 4), "the one that took every new call");
            await b.DisposeAsync();

            // Drained: b again, a call held on one of them, SIGTERM to that one: it finishes its call, the other takes the rest.
            b = await ServeProcess.StartAsync(b.Port, b.HttpPort);
            await using HelloCall held = await HelloCall.StartAsync(nginx.Endpoint, "1700000980.3");
            ServeProcess draining = await a.ActiveCallsAsync() == 1 ? a : b;
            ServeProcess other = draining == a ? b : a;
            draining.Terminate();
            await draining.WaitUntilAsync(() => Task.FromResult(!draining.Accepts()), "closed to new calls");
            Assert.False(await draining.IsReadyAsync());
            int taken = other.CallsEnded;
            await PlaceCallsAsync(nginx, 4);
            await other.WaitUntilAsync(() => Task.FromResult(other.CallsEnded == taken + 4), "the one that took every new call");
            await held.FinishAsync();
            Assert.Equal(0, await draining.WaitForExitAsync());
            Assert.Contains("1 call(s) finished during the drain, 0 cut", draining.Output, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is not TimeoutException)
        {
            // What the instances saw says more than the assertion alone.
            throw new InvalidOperationException($"{ex.Message}\n--- a:\n{a.Output}\n--- b:\n{b.Output}", ex);
        }
        finally
        {
            await b.DisposeAsync();
        }
    }

    [BalancerFact("haproxy")]
    public async Task Behind_haproxy_the_readyz_check_takes_a_draining_instance_out_while_it_finishes_its_calls()
    {
        await using ServeProcess a = await ServeProcess.StartAsync();
        await using ServeProcess b = await ServeProcess.StartAsync();
        await using Balancer haproxy = await Balancer.StartHaproxyAsync(a, b);
        await haproxy.WaitUntilAsync(async () => await haproxy.ServerStatusAsync("a") == "UP" && await haproxy.ServerStatusAsync("b") == "UP", "both instances up");

        await PlaceCallsAsync(haproxy, Calls);
        await a.WaitUntilAsync(() => Task.FromResult(a.CallsEnded + b.CallsEnded == Calls), "done with the calls");
        Assert.True(a.CallsEnded > 0 && b.CallsEnded > 0, $"a: {a.CallsEnded}, b: {b.CallsEnded}");

        await using HelloCall held = await HelloCall.StartAsync(haproxy.Endpoint, "1700000981.1");
        ServeProcess draining = await a.ActiveCallsAsync() == 1 ? a : b;
        ServeProcess other = draining == a ? b : a;
        draining.Terminate();

        // The check on /readyz (503 while draining) takes it out; HAProxy does not retry elsewhere on its own.
        await haproxy.WaitUntilAsync(async () => await haproxy.ServerStatusAsync(draining == a ? "a" : "b") == "DOWN", "the draining instance down");
        int taken = other.CallsEnded;
        await PlaceCallsAsync(haproxy, 4);
        await other.WaitUntilAsync(() => Task.FromResult(other.CallsEnded == taken + 4), "the one that took every new call");
        await held.FinishAsync();
        Assert.Equal(0, await draining.WaitForExitAsync());
    }

    [BalancerFact("haproxy")]
    [Trait("Category", "RollingUpgrade")]
    public async Task A_rolling_upgrade_behind_haproxy_with_a_drain_delay_loses_no_call()
    {
        // The drain delay (1 s) is longer than HAProxy's check interval (200 ms): an instance is out of rotation before it closes.
        string[] settings = ["--FastAgi:DrainDelay=00:00:01"];
        ServeProcess a = await ServeProcess.StartAsync(0, 0, settings);
        ServeProcess b = await ServeProcess.StartAsync(0, 0, settings);
        try
        {
            await using Balancer haproxy = await Balancer.StartHaproxyAsync(a, b);
            await haproxy.WaitUntilAsync(async () => await haproxy.ServerStatusAsync("a") == "UP" && await haproxy.ServerStatusAsync("b") == "UP", "both instances up");

            await using var stream = CallStream.Start(haproxy.Endpoint);

            var clock = Stopwatch.StartNew();
            var upgrades = new List<string>();
            foreach (string name in (string[])["a", "b"])
            {
                ServeProcess old = name == "a" ? a : b;
                var step = Stopwatch.StartNew();
                old.Terminate();
                Assert.Equal(0, await old.WaitForExitAsync());
                TimeSpan stopped = step.Elapsed;
                ServeProcess upgraded = await ServeProcess.StartAsync(old.Port, old.HttpPort, settings);
                await old.DisposeAsync();
                if (name == "a")
                {
                    a = upgraded;
                }
                else
                {
                    b = upgraded;
                }

                await haproxy.WaitUntilAsync(async () => await haproxy.ServerStatusAsync(name) == "UP", $"{name} up again");
                upgrades.Add($"{name}: stopped after {stopped.TotalSeconds:0.0} s, back in rotation after {step.Elapsed.TotalSeconds:0.0} s");
            }

            await stream.StopAsync();
            output.WriteLine($"Rolling upgrade of 2 instances behind HAProxy: {stream.Completed} calls completed in {clock.Elapsed.TotalSeconds:0.0} s, {stream.Failures.Count} failed; {string.Join("; ", upgrades)}");
            stream.AssertNoneFailed();
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    [BalancerFact("nginx")]
    [Trait("Category", "RollingUpgrade")]
    public async Task A_rolling_upgrade_behind_nginx_taking_each_instance_out_of_the_upstream_first_loses_no_call()
    {
        // nginx (without active checks) is told: each instance is marked down and nginx reloaded before its SIGTERM.
        ServeProcess a = await ServeProcess.StartAsync();
        ServeProcess b = await ServeProcess.StartAsync();
        try
        {
            await using Balancer nginx = await Balancer.StartNginxAsync(a, b);
            await using var stream = CallStream.Start(nginx.Endpoint);
            var clock = Stopwatch.StartNew();
            foreach (string name in (string[])["a", "b"])
            {
                ServeProcess old = name == "a" ? a : b;
                await nginx.ReloadAsync(down: name);
                old.Terminate();
                Assert.Equal(0, await old.WaitForExitAsync());
                ServeProcess upgraded = await ServeProcess.StartAsync(old.Port, old.HttpPort);
                await old.DisposeAsync();
                (a, b) = name == "a" ? (upgraded, b) : (a, upgraded);
                await nginx.ReloadAsync(down: null);
            }

            await stream.StopAsync();
            output.WriteLine($"Rolling upgrade of 2 instances behind nginx: {stream.Completed} calls completed in {clock.Elapsed.TotalSeconds:0.0} s, {stream.Failures.Count} failed");
            stream.AssertNoneFailed();
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    private static async Task PlaceCallsAsync(Balancer balancer, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await using HelloCall call = await HelloCall.StartAsync(balancer.Endpoint, $"1700000990.{i}");
            await call.FinishAsync();
        }
    }

    private static async Task<int> FinishedAsync(HelloCall call)
    {
        try
        {
            await call.FinishAsync();
            return 1;
        }
        catch (Exception ex) when (ex is Xunit.Sdk.XunitException or SocketException or IOException)
        {
            return 0;
        }
    }

    /// <summary>A continuous stream of calls from the fake Asterisk of FastAgi.Testing, four at a time, each played to its end.</summary>
    private sealed class CallStream : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _callers;
        private int _completed;

        private CallStream(IPEndPoint endpoint)
            => _callers = [.. Enumerable.Range(0, 4).Select(caller => Task.Run(() => CallAsync(endpoint, caller)))];

        public int Completed => Volatile.Read(ref _completed);

        public System.Collections.Concurrent.ConcurrentQueue<string> Failures { get; } = new();

        public static CallStream Start(IPEndPoint endpoint) => new(endpoint);

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_callers).WaitAsync(TimeSpan.FromSeconds(30));
        }

        public void AssertNoneFailed()
        {
            Assert.True(Failures.IsEmpty, $"{Failures.Count} call(s) failed: {string.Join(" | ", Failures.Take(5))}");
            Assert.True(Completed > 100, $"Only {Completed} calls completed.");
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await StopAsync();
            }

            _stop.Dispose();
        }

        private async Task CallAsync(IPEndPoint endpoint, int caller)
        {
            for (int i = 0; !_stop.IsCancellationRequested; i++)
            {
                var asterisk = new FastAgi.Testing.FakeAsterisk(new FastAgi.Testing.FakeAsteriskOptions { ThrowOnFailure = false, Timeout = TimeSpan.FromSeconds(10) });
                asterisk.Environment.Script("hello").UniqueId($"17000011{caller}.{i}");
                FastAgi.Testing.FakeCallResult result = await asterisk.CallAsync(endpoint);
                if (result.Ending == FastAgi.Testing.FakeCallEnding.ServerClosed && result.AgiStatus != "FAILURE" && result.Commands.Count == 4)
                {
                    Interlocked.Increment(ref _completed);
                }
                else
                {
                    Failures.Enqueue($"{result.Ending} AGISTATUS={result.AgiStatus} after {result.Commands.Count} commands: {result.Failure}");
                }
            }
        }
    }

    /// <summary>nginx or HAProxy on a free loopback port, in front of two instances, with its configuration in a temporary folder.</summary>
    private sealed class Balancer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _directory;
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

        private Balancer(Process process, string directory, int port)
        {
            _process = process;
            _directory = directory;
            Endpoint = new IPEndPoint(IPAddress.Loopback, port);
        }

        public IPEndPoint Endpoint { get; }

        public static async Task<Balancer> StartNginxAsync(ServeProcess a, ServeProcess b)
        {
            string directory = Directory.CreateTempSubdirectory("fastagi-nginx-").FullName;
            int port = ServeProcess.FreePort();
            WriteNginxConfig(directory, port, a.Port, b.Port, down: null);
            Balancer balancer = await StartAsync(new ProcessStartInfo("nginx", NginxArguments(directory)), directory, port);
            balancer._upstreams = (a.Port, b.Port);
            return balancer;
        }

        /// <summary>Rewrites nginx's upstream with <paramref name="down"/> (a or b) marked down, or none, reloads it, and waits until its old workers have stopped taking connections.</summary>
        public async Task ReloadAsync(string? down)
        {
            int before = CountInErrorLog("gracefully shutting down");
            WriteNginxConfig(_directory, Endpoint.Port, _upstreams.A, _upstreams.B, down);
            using Process reload = Process.Start(new ProcessStartInfo("nginx", [.. NginxArguments(_directory), "-s", "reload"]))!;
            await reload.WaitForExitAsync();
            Assert.Equal(0, reload.ExitCode);
            await WaitUntilAsync(() => Task.FromResult(CountInErrorLog("gracefully shutting down") > before), "its old workers leave after the reload");
        }

        private (int A, int B) _upstreams;

        private int CountInErrorLog(string text)
        {
            string path = Path.Combine(_directory, "error.log");
            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            string log = reader.ReadToEnd();
            int count = 0;
            for (int at = log.IndexOf(text, StringComparison.Ordinal); at >= 0; at = log.IndexOf(text, at + 1, StringComparison.Ordinal))
            {
                count++;
            }

            return count;
        }

        private static string[] NginxArguments(string directory) => ["-e", Path.Combine(directory, "error.log"), "-p", directory, "-c", Path.Combine(directory, "nginx.conf")];

        private static void WriteNginxConfig(string directory, int port, int a, int b, string? down)
        {
            File.WriteAllText(Path.Combine(directory, "nginx.conf"), $$"""
                daemon off;
                pid {{directory}}/nginx.pid;
                error_log {{directory}}/error.log notice;
                load_module /usr/lib/nginx/modules/ngx_stream_module.so;
                events { worker_connections 1024; }
                stream {
                    # max_fails=0: a refused connect goes to the next server, and a restarted instance is tried again at once
                    # (the default would leave it out for 10 s after the kill).
                    upstream fastagi {
                        server 127.0.0.1:{{a}} max_fails=0{{(down == "a" ? " down" : "")}};
                        server 127.0.0.1:{{b}} max_fails=0{{(down == "b" ? " down" : "")}};
                    }
                    server {
                        listen 127.0.0.1:{{port}};
                        proxy_pass fastagi;
                        proxy_protocol on;
                        proxy_connect_timeout 1s;
                    }
                }
                """);
        }

        public static Task<Balancer> StartHaproxyAsync(ServeProcess a, ServeProcess b)
        {
            string directory = Directory.CreateTempSubdirectory("fastagi-haproxy-").FullName;
            int port = ServeProcess.FreePort();
            File.WriteAllText(Path.Combine(directory, "haproxy.cfg"), $"""
                global
                    stats socket {directory}/stats.sock mode 600 level admin
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 1m
                    timeout server 1m
                frontend agi
                    bind 127.0.0.1:{port}
                    default_backend fastagi
                backend fastagi
                    balance roundrobin
                    option httpchk GET /readyz
                    http-check expect status 200
                    server a 127.0.0.1:{a.Port} send-proxy-v2 check port {a.HttpPort} inter 200ms fall 1 rise 1
                    server b 127.0.0.1:{b.Port} send-proxy-v2 check port {b.HttpPort} inter 200ms fall 1 rise 1
                """ + "\n");
            return StartAsync(new ProcessStartInfo("haproxy", ["-db", "-f", Path.Combine(directory, "haproxy.cfg")]), directory, port);
        }

        /// <summary>HAProxy's view of a server: UP, DOWN, … (from <c>show stat</c> on its stats socket).</summary>
        public async Task<string> ServerStatusAsync(string server)
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(_directory, "stats.sock")));
            await socket.SendAsync(Encoding.ASCII.GetBytes("show stat\n"));
            var text = new StringBuilder();
            byte[] buffer = new byte[8192];
            int read;
            while ((read = await socket.ReceiveAsync(buffer)) > 0)
            {
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            foreach (string line in text.ToString().Split('\n'))
            {
                string[] fields = line.Split(',');
                if (fields.Length > 17 && fields[0] == "fastagi" && fields[1] == server)
                {
                    return fields[17].Split(' ')[0];
                }
            }

            return "unknown";
        }

        public Task WaitUntilAsync(Func<Task<bool>> condition, string what)
            => ServeProcess.WaitUntilAsync(condition, () => _process.HasExited, () => $"The balancer never saw {what}: {string.Join('\n', _output)}");

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
        }

        private static async Task<Balancer> StartAsync(ProcessStartInfo start, string directory, int port)
        {
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            var process = Process.Start(start)!;
            var balancer = new Balancer(process, directory, port);
            process.OutputDataReceived += (_, line) => balancer._output.Enqueue(line.Data ?? string.Empty);
            process.ErrorDataReceived += (_, line) => balancer._output.Enqueue(line.Data ?? string.Empty);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await balancer.WaitUntilAsync(() => Task.FromResult(ServeProcess.Accepts(port)), "its own port open");
            return balancer;
        }
    }
}

/// <summary>A fact that needs a load balancer from Debian (<c>nginx</c> with <c>libnginx-mod-stream</c>, or <c>haproxy</c>), which CI installs; skipped with the reason where it is missing.</summary>
public sealed class BalancerFactAttribute : FactAttribute
{
    /// <summary>Skips the test unless <paramref name="balancer"/> is installed (and, for nginx, its stream module).</summary>
    public BalancerFactAttribute(string balancer)
    {
        bool installed = balancer switch
        {
            "nginx" => File.Exists("/usr/sbin/nginx") && File.Exists("/usr/lib/nginx/modules/ngx_stream_module.so"),
            _ => File.Exists("/usr/sbin/" + balancer),
        };
        if (!installed || !OperatingSystem.IsLinux())
        {
            Skip = $"Needs {balancer} from Debian (apt-get install {(balancer == "nginx" ? "nginx libnginx-mod-stream" : balancer)}; .ci/run installs it).";
        }
    }
}
