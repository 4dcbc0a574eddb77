using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FastAgi.Cli.Tests;

/// <summary>
/// <c>hagi://agi.test/hello</c> end to end: Debian's dnsmasq serves the <c>_agi._tcp</c> SRV records on loopback, and the
/// test resolves them and connects to the targets in SRV order as res_agi.c's <c>launch_ha_netscript</c> does, failing over
/// at connect time when the first target is down.
/// </summary>
public sealed class SrvFailoverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    // res_agi.c: MAX_AGI_CONNECT, how long Asterisk waits for a target to accept.
    private static readonly TimeSpan AsteriskConnectTimeout = TimeSpan.FromMilliseconds(2000);

    [DnsmasqFact]
    public async Task A_call_goes_to_the_first_srv_target_that_accepts_in_priority_order()
    {
        using IHost host = CommandLine.BuildServeHost(["--FastAgi:Listen=127.0.0.1:0"]);
        await host.StartAsync().WaitAsync(Timeout);
        int up = host.Services.GetRequiredService<AgiServer>().Endpoints[0].Port;
        int down = ServeProcess.FreePort();
        int dnsPort = FreeUdpPort();
        using Process dnsmasq = StartDnsmasq(dnsPort, $"_agi._tcp.agi.test,down.agi.test,{down},10,0", $"_agi._tcp.agi.test,up.agi.test,{up},20,0");
        try
        {
            var resolver = new LookupClient(new LookupClientOptions(new NameServer(IPAddress.Loopback, dnsPort)) { UseCache = false, Timeout = TimeSpan.FromSeconds(2), Retries = 10 });
            IReadOnlyList<IPEndPoint> targets = await ResolveAsync(resolver, "agi.test");
            Assert.Equal([down, up], targets.Select(static target => target.Port));

            // As launch_ha_netscript: the first target that accepts gets the call; the one that refused is skipped.
            var tried = new List<int>();
            Socket? connected = null;
            foreach (IPEndPoint target in targets)
            {
                tried.Add(target.Port);
                connected = await TryConnectAsync(target);
                if (connected is not null)
                {
                    break;
                }
            }

            Assert.Equal([down, up], tried);
            Assert.NotNull(connected);
            await using HelloCall call = await HelloCall.StartAsync(connected, "1700000995.1");
            await call.FinishAsync();
        }
        finally
        {
            dnsmasq.Kill();
            await dnsmasq.WaitForExitAsync().WaitAsync(Timeout);
            await host.StopAsync().WaitAsync(Timeout);
        }
    }

    /// <summary>The SRV targets of <c>_agi._tcp.NAME</c> in the order Asterisk tries them: by priority (weights only choose among equals).</summary>
    private static async Task<IReadOnlyList<IPEndPoint>> ResolveAsync(LookupClient resolver, string name)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                IDnsQueryResponse answer = await resolver.QueryAsync("_agi._tcp." + name, QueryType.SRV);
                var targets = new List<IPEndPoint>();
                foreach (SrvRecord srv in answer.Answers.SrvRecords().OrderBy(static record => record.Priority))
                {
                    IDnsQueryResponse address = await resolver.QueryAsync(srv.Target, QueryType.A);
                    targets.Add(new IPEndPoint(address.Answers.ARecords().First().Address, srv.Port));
                }

                if (targets.Count > 0)
                {
                    return targets;
                }
            }
            catch (DnsResponseException) when (deadline.Elapsed < Timeout)
            {
                // dnsmasq is still starting.
            }

            if (deadline.Elapsed > Timeout)
            {
                throw new TimeoutException("dnsmasq never answered the SRV query.");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<Socket?> TryConnectAsync(IPEndPoint target)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(target).WaitAsync(AsteriskConnectTimeout);
            return socket;
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            socket.Dispose();
            return null;
        }
    }

    private static Process StartDnsmasq(int port, params string[] srvHosts)
    {
        var start = new ProcessStartInfo("/usr/sbin/dnsmasq")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in (string[])["--no-daemon", "--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--bind-interfaces",
            "--listen-address=127.0.0.1", $"--port={port}", "--user=root", "--host-record=down.agi.test,127.0.0.1", "--host-record=up.agi.test,127.0.0.1"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string srv in srvHosts)
        {
            start.ArgumentList.Add("--srv-host=" + srv);
        }

        Process process = Process.Start(start)!;
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

/// <summary>A fact that needs Debian's dnsmasq (<c>apt-get install dnsmasq-base</c>; .ci/run installs it); skipped with the reason where it is missing.</summary>
public sealed class DnsmasqFactAttribute : FactAttribute
{
    /// <summary>Skips the test unless dnsmasq is installed.</summary>
    public DnsmasqFactAttribute()
    {
        if (!File.Exists("/usr/sbin/dnsmasq") || !OperatingSystem.IsLinux())
        {
            Skip = "Needs dnsmasq from Debian (apt-get install dnsmasq-base; .ci/run installs it).";
        }
    }
}
