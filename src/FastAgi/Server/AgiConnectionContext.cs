using System.Net;

namespace FastAgi.Server;

/// <summary>What the server knows of a connection besides its bytes: who it is, whether to refuse it, how it may be cut.</summary>
internal sealed class AgiConnectionContext
{
    private int _environmentReceived;

    /// <summary>A connection with nothing known about it, as <see cref="AgiConnectionHandler.HandleAsync(System.IO.Pipelines.IDuplexPipe, string, CancellationToken)"/> serves one.</summary>
    public static AgiConnectionContext None => new();

    /// <summary>The connection, when the server accepted it: its addresses.</summary>
    public IAgiConnection? Connection { get; init; }

    /// <summary>Fires when the server closes the call at the shutdown deadline.</summary>
    public CancellationToken ShutdownAbort { get; init; }

    /// <summary>The refusal to answer with instead of running a script (<c>BUSY</c>, <c>SHUTDOWN</c>), or <see langword="null"/>.</summary>
    public string? Refusal { get; init; }

    /// <summary>Takes a call slot once the environment has arrived (false: answer BUSY); <see langword="null"/> takes none (a refusal, or no server).</summary>
    public Func<bool>? CallSlots { get; init; }

    /// <summary>Whether this connection holds a call slot, to give back when it ends.</summary>
    public bool CallStarted { get; private set; }

    /// <summary>Takes the call slot; true when there was one, or when no server counts them.</summary>
    public bool TryStartCall()
    {
        if (CallSlots is null)
        {
            return true;
        }

        CallStarted = CallSlots();
        return CallStarted;
    }

    /// <summary>When the connection was accepted (<see cref="TimeProvider.GetTimestamp"/> of the system clock).</summary>
    public long AcceptedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Whether the environment block has arrived: a connection still waiting for it is the first to go under pressure.</summary>
    public bool EnvironmentReceived => Volatile.Read(ref _environmentReceived) != 0;

    /// <summary>The peer's address: the socket's, or the one a load balancer's PROXY header carried.</summary>
    public IPEndPoint? RemoteEndPoint => _proxiedRemote ?? Connection?.RemoteEndPoint;

    /// <summary>Fires when the transport learns of the hangup other than by a <c>HANGUP</c> line: classic AGI's SIGHUP.</summary>
    public CancellationToken HangupSignal { get; init; }

    /// <summary>Rewrites the request before it is routed: classic AGI takes the script path from an argument.</summary>
    public Func<Protocol.AgiRequest, Protocol.AgiRequest>? RequestRewrite { get; init; }

    /// <summary>How the call ended (<c>completed</c>, <c>hangup</c>, <c>not_found</c>, <c>exception</c>, …), once it has; <see langword="null"/> when no call ran.</summary>
    public string? Outcome { get; set; }

    /// <summary>Whether the connection comes from a trusted load balancer and must start with a PROXY protocol header.</summary>
    public bool ExpectsProxyHeader { get; init; }

    /// <summary>Who may connect, applied to the address a PROXY header carries; <see langword="null"/> lets everyone in.</summary>
    public AgiPeerAllowlist? Allowlist { get; init; }

    /// <summary>Records the client a load balancer forwarded; false when the allowlist does not list it.</summary>
    public bool OnProxyHeader(Protocol.AgiProxyHeader header)
    {
        if (header.Source is not { } source)
        {
            // LOCAL or UNKNOWN: the balancer's own connection (its health check); the socket's address stands.
            return Allowlist?.Allows(Connection?.RemoteEndPoint?.Address) ?? true;
        }

        _proxiedRemote = source;
        return Allowlist?.Allows(source.Address) ?? true;
    }

    private IPEndPoint? _proxiedRemote;

    /// <summary>The script path the environment asked for, once it has arrived.</summary>
    public string? ScriptPath { get; private set; }

    /// <summary>Told when the environment has arrived (the server stops counting the connection as one that may be idle).</summary>
    public Action<AgiConnectionContext>? EnvironmentArrived { get; init; }

    /// <summary>What the server keeps for this connection.</summary>
    public object? Owner { get; set; }

    public void OnEnvironmentReceived(string scriptPath)
    {
        ScriptPath = scriptPath;
        Volatile.Write(ref _environmentReceived, 1);
        EnvironmentArrived?.Invoke(this);
    }
}
