using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace FastAgi.Cli.Tests;

/// <summary>A real <c>fastagi serve</c> process behind a load balancer: PROXY headers from 127.0.0.1, <c>--http</c> for its readiness and metrics.</summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly HttpClient _http;

    private ServeProcess(Process process, int port, int httpPort)
    {
        _process = process;
        Port = port;
        HttpPort = httpPort;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(5) };
        process.OutputDataReceived += (_, line) => _output.Enqueue(line.Data ?? string.Empty);
        process.ErrorDataReceived += (_, line) => _output.Enqueue(line.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The FastAGI port.</summary>
    public int Port { get; }

    /// <summary>The port of /healthz, /readyz and /metrics.</summary>
    public int HttpPort { get; }

    /// <summary>Calls that ended on this instance, from its per-call log lines.</summary>
    public int CallsEnded => _output.Count(static line => line.Contains("AgiConnectionHandler[2001]", StringComparison.Ordinal));

    /// <summary>What the process wrote, for a failure message.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts an instance on <paramref name="port"/> (a free one when 0) and waits until <c>/readyz</c> answers 200.</summary>
    public static async Task<ServeProcess> StartAsync(int port = 0, int httpPort = 0, params string[] settings)
    {
        port = port == 0 ? FreePort() : port;
        httpPort = httpPort == 0 ? FreePort() : httpPort;
        var start = new ProcessStartInfo("dotnet",
        [
            Path.Combine(AppContext.BaseDirectory, "FastAgi.Cli.dll"), "serve", "--listen", $"127.0.0.1:{port}", "--http", $"127.0.0.1:{httpPort}",
            "--FastAgi:ProxyProtocol=true", "--FastAgi:TrustedProxies=127.0.0.1", "--FastAgi:ShutdownTimeout=00:00:15", .. settings,
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var instance = new ServeProcess(Process.Start(start)!, port, httpPort);
        await instance.WaitUntilAsync(async () => await instance.IsReadyAsync(), "ready");
        return instance;
    }

    /// <summary>Whether <c>/readyz</c> answers 200.</summary>
    public async Task<bool> IsReadyAsync()
    {
        try
        {
            return (await _http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>The calls in progress, from <c>/metrics</c>.</summary>
    public async Task<int> ActiveCallsAsync()
    {
        string metrics = await _http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Match match = ActiveCalls().Match(metrics);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Whether the FastAGI port accepts a connection.</summary>
    public bool Accepts() => Accepts(Port);

    /// <summary>Whether <paramref name="port"/> of 127.0.0.1 accepts a connection.</summary>
    public static bool Accepts(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM: the drain.</summary>
    public void Terminate() => Signal("-TERM");

    /// <summary>SIGKILL: no drain.</summary>
    public void Kill() => Signal("-KILL");

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Timeout);
        return _process.ExitCode;
    }

    /// <summary>Waits, bounded, until <paramref name="condition"/> holds.</summary>
    public Task WaitUntilAsync(Func<Task<bool>> condition, string what)
        => WaitUntilAsync(condition, () => _process.HasExited, () => $"Instance on {Port} never became {what}: {Output}");

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds, or fails with <paramref name="failure"/> after 20 s or once <paramref name="abandoned"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<bool> abandoned, Func<string> failure)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Timeout || abandoned())
            {
                throw new TimeoutException(failure());
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>A port no one listens on now.</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private void Signal(string signal) => Process.Start("kill", [signal, _process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

    [GeneratedRegex(@"(?m)^fastagi_server_active_calls(?:\{[^}]*\})? (\d+)")]
    private static partial Regex ActiveCalls();
}
