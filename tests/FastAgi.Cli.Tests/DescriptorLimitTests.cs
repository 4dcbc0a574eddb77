using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FastAgi.Testing;

namespace FastAgi.Cli.Tests;

/// <summary>
/// <c>fastagi serve</c> under a hard descriptor limit, flooded with more idle connections than it has descriptors: it must
/// keep far enough from the limit not to crash, serve a real call meanwhile, and stop cleanly afterwards.
/// </summary>
public sealed partial class DescriptorLimitTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [LinuxFact]
    public async Task Under_a_hard_limit_of_256_descriptors_a_flood_of_400_connections_leaves_the_server_serving_and_alive()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "FastAgi.Cli.dll");
        var start = new ProcessStartInfo("bash", ["-c", $"ulimit -n 256 && exec dotnet \"{dll}\" serve --listen 127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process server = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.Enqueue(e.Data);
            if (ListeningOn().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        server.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var flood = new List<Socket>();
        try
        {
            int port = await listening.Task.WaitAsync(Timeout);
            var endpoint = new IPEndPoint(IPAddress.Loopback, port);

            // More connections than the server has descriptors, none of them sending anything.
            for (int i = 0; i < 400; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                flood.Add(socket);
                await socket.ConnectAsync(endpoint).WaitAsync(Timeout);
            }

            // A real call during the flood is served (once the idle connections ahead of it are closed to make room).
            var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Timeout = Timeout, ThrowOnFailure = false });
            asterisk.Environment.Script("hello");
            FakeCallResult call = await asterisk.CallAsync(endpoint).WaitAsync(Timeout);
            Assert.True(call.Succeeded, call.Failure);
            Assert.Equal(["STREAM FILE hello-world #", "STREAM FILE tt-monkeys #", "STREAM FILE goodbye #", "HANGUP"], call.CommandLines);

            Assert.False(server.HasExited, string.Join('\n', output));
            Assert.True(OpenDescriptors(server.Id) < 256, "The server has reached its descriptor limit.");
        }
        finally
        {
            foreach (Socket socket in flood)
            {
                socket.Dispose();
            }

            if (!server.HasExited)
            {
                // SIGTERM: the host drains and exits 0.
                Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            }
        }

        await server.WaitForExitAsync().WaitAsync(Timeout);
        Assert.True(server.ExitCode == 0, string.Join('\n', output));
        Assert.DoesNotContain(output, static line => line.Contains("Unhandled exception", StringComparison.Ordinal) || line.Contains("PAL_SEHException", StringComparison.Ordinal));
    }

    private static int OpenDescriptors(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningOn();
}
