using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastAgi.Cli.Tests;

/// <summary><c>fastagi serve</c> as a <c>Type=notify</c> unit: READY=1 once it listens, STOPPING=1 at SIGTERM, and the shipped unit file.</summary>
public sealed class SystemdTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [LinuxFact]
    public async Task Serve_notifies_ready_once_listening_and_stopping_at_sigterm()
    {
        string directory = Directory.CreateTempSubdirectory("fastagi-notify-").FullName;
        string path = Path.Combine(directory, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(path));
        int port = FreePort();

        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "FastAgi.Cli.dll"), "serve", "--listen", $"127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["NOTIFY_SOCKET"] = path;
        using Process server = Process.Start(start)!;
        server.OutputDataReceived += static (_, _) => { };
        server.ErrorDataReceived += static (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            Assert.Equal("READY=1", await ReceiveAsync(notify));

            // Ready means listening: a connection is accepted at once.
            using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(Timeout);
            }

            Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            Assert.Equal("STOPPING=1", await ReceiveAsync(notify));
            await server.WaitForExitAsync().WaitAsync(Timeout);
            Assert.Equal(0, server.ExitCode);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    [LinuxFact]
    public async Task The_shipped_unit_file_passes_systemd_analyze_verify_where_it_is_installed()
    {
        string unit = Path.Combine(RepositoryRoot(), "deploy", "systemd", "fastagi.service");
        Assert.True(File.Exists(unit), $"{unit} is missing.");
        string text = await File.ReadAllTextAsync(unit);
        foreach (string directive in (string[])["Type=notify", "LimitNOFILE=", "TimeoutStopSec=", "Restart=on-failure", "DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes", "CapabilityBoundingSet=", "RestrictAddressFamilies="])
        {
            Assert.Contains(directive, text, StringComparison.Ordinal);
        }

        if (!File.Exists("/usr/bin/systemd-analyze"))
        {
            return;
        }

        // The unit names /usr/local/bin/fastagi; systemd-analyze checks that the binary exists, so point it at one that does.
        string directory = Directory.CreateTempSubdirectory("fastagi-unit-").FullName;
        try
        {
            string copy = Path.Combine(directory, "fastagi.service");
            await File.WriteAllTextAsync(copy, text.Replace("/usr/local/bin/fastagi", "/usr/bin/env", StringComparison.Ordinal));
            var verify = new ProcessStartInfo("systemd-analyze", ["verify", copy]) { RedirectStandardError = true, RedirectStandardOutput = true };
            using Process process = Process.Start(verify)!;
            string errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(Timeout);

            // Without a running systemd (a container) verify cannot load units at all; that says nothing about this one.
            if (errors.Contains("System has not been booted with systemd", StringComparison.Ordinal) || errors.Contains("Failed to initialize manager", StringComparison.Ordinal))
            {
                return;
            }

            Assert.True(process.ExitCode == 0, $"systemd-analyze verify: {errors}");
            Assert.DoesNotContain("fastagi.service:", errors, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        byte[] buffer = new byte[512];
        int received = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask().WaitAsync(Timeout);
        return Encoding.ASCII.GetString(buffer, 0, received).Trim();
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FastAgi.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (FastAgi.slnx) is not above " + AppContext.BaseDirectory);
    }
}
