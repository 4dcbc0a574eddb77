using FastAgi.Protocol;

namespace FastAgi.Hosting;

/// <summary>Settings of the FastAGI server, bound from the <c>FastAgi</c> configuration section by the <c>fastagi</c> tool.</summary>
public sealed class AgiServerOptions
{
    /// <summary>The default FastAGI port, the one Asterisk uses when the <c>agi://</c> URL names none.</summary>
    public const int DefaultPort = 4573;

    /// <summary>
    /// Endpoints to listen on, comma-separated, each <c>ADDRESS:PORT</c>: <c>0.0.0.0:4573</c> (every IPv4 address, the default),
    /// <c>[::]:4573</c> (IPv6 and IPv4), <c>127.0.0.1:4573</c> (this host only). Port 0 picks a free port.
    /// </summary>
    /// <remarks>FastAGI has no authentication: listen only on addresses your Asterisk servers reach, and firewall the port.</remarks>
    public string Listen { get; set; } = "0.0.0.0:4573";

    /// <summary>
    /// The most calls served at once; 0 (the default) takes as many as the process's descriptor limit (<c>LimitNOFILE</c>,
    /// <c>ulimit -n</c>) leaves after what is open and a reserve. A larger value is lowered to that. Past it, calls are answered
    /// at once with <c>FASTAGI_ERROR=BUSY</c> and <c>AGISTATUS=FAILURE</c>, so the dialplan can try another server.
    /// </summary>
    public int MaxConcurrentCalls { get; set; }

    /// <summary>
    /// Who may connect: comma-separated addresses and CIDR networks, IPv4 and IPv6 (<c>10.0.0.0/8, 192.168.1.20, fd00::/8</c>).
    /// Empty (the default) lets everyone in: FastAGI has no authentication, so in production list your Asterisk servers. A
    /// connection from elsewhere is closed before a byte is read.
    /// </summary>
    public string? AllowedPeers { get; set; }

    /// <summary>
    /// Whether connections from <see cref="TrustedProxies"/> start with a PROXY protocol header (v1 or v2, as nginx's
    /// <c>proxy_protocol on</c> and HAProxy's <c>send-proxy</c>/<c>send-proxy-v2</c> send it). Then the session's remote
    /// address, the allowlist, logs and metrics use the address the header carries; a connection from a trusted proxy
    /// without a valid header is closed. Connections from other addresses are served as direct ones. Off by default.
    /// </summary>
    public bool ProxyProtocol { get; set; }

    /// <summary>The load balancers that send PROXY headers, comma-separated addresses and CIDR networks; required with <see cref="ProxyProtocol"/>.</summary>
    public string? TrustedProxies { get; set; }

    /// <summary>How long a new connection may take to send its environment block before it is closed. Asterisk sends it at once; the limit keeps idle port scanners from holding connections.</summary>
    public TimeSpan EnvironmentTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a command may wait for Asterisk's reply before the call is ended with <see cref="Server.AgiReplyTimeoutException"/>;
    /// <see langword="null"/> (the default) waits for ever. Off by default because replies legitimately take as long as what
    /// the command does: <c>EXEC Dial</c> lasts the whole call, <c>WAIT FOR DIGIT -1</c> until a key. Set it above the longest
    /// such command your scripts send.
    /// </summary>
    public TimeSpan? ReplyTimeout { get; set; }

    /// <summary>
    /// The longest a call may last before the server ends it: the script's hangup token fires, and once the script has
    /// stopped the dialplan is told <c>FASTAGI_ERROR=TIMEOUT</c> with <c>AGISTATUS=FAILURE</c>. <see langword="null"/> (the default)
    /// sets no limit. A command Asterisk is still running (a Dial) cannot be cut short from here: its connection is closed
    /// <c>5 s</c> later if the script has not stopped.
    /// </summary>
    public TimeSpan? MaxCallDuration { get; set; }

    /// <summary>
    /// How long the server goes on serving after a stop (SIGTERM) while it reports itself not ready (<c>/readyz</c> 503,
    /// <c>fastagi.server.ready</c> 0), before it closes its listeners and drains. Set it longer than your load balancer's
    /// health-check interval, so that the balancer stops sending calls before the listener closes and none is answered
    /// SHUTDOWN. 0 (the default) drains at once, which is right for <c>hagi://</c> SRV failover.
    /// </summary>
    public TimeSpan DrainDelay { get; set; }

    /// <summary>How long stopping the server waits for calls in progress to finish before closing their connections.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether several processes may listen on the same port (SO_REUSEPORT): the kernel then spreads new connections between
    /// them. Off by default, so that a second server started on a port already in use fails at start with "address in use"
    /// instead of silently taking part of the calls. Turn it on in every process that shares the port (Linux and BSD).
    /// </summary>
    public bool ReusePort { get; set; }

    /// <summary>The listen backlog: connections the operating system queues before the server accepts them. Raise it for bursts of thousands of calls.</summary>
    public int Backlog { get; set; } = 512;

    /// <summary>How connections are served at the socket level: <see cref="AgiTransport.Auto"/> (the default) picks <see cref="AgiTransport.Epoll"/> on Linux and <see cref="AgiTransport.Sockets"/> elsewhere.</summary>
    public AgiTransport Transport { get; set; } = AgiTransport.Auto;

    /// <summary>
    /// Event loop threads of the epoll transport, sharing the connections between them. 0 (the default) means half the
    /// processors, at least one: a busy loop keeps a core to itself, and the rest is left to the thread pool, the GC and
    /// whatever else runs on the machine.
    /// </summary>
    public int EventLoops { get; set; }

    /// <summary>
    /// Whether the epoll transport runs scripts on its event loop threads (no thread hop per command: the fastest) rather
    /// than on the thread pool. Turn it on only when every script is fully asynchronous: a script that blocks a thread
    /// (synchronous I/O, <c>.Result</c>, <c>Thread.Sleep</c>) then stalls every call on its loop.
    /// </summary>
    public bool RunScriptsOnEventLoops { get; set; }

    /// <summary>Bounds on what the protocol parsers accept from a peer.</summary>
    public AgiProtocolLimits Limits { get; set; } = AgiProtocolLimits.Default;

    /// <summary>
    /// Whether what callers key (the replies of GET DATA, WAIT FOR DIGIT, GET OPTION, STREAM FILE and the other commands a key
    /// can end) is redacted in logs and traces; on by default, since those digits are card numbers and PINs.
    /// </summary>
    public bool RedactCallerInput { get; set; } = true;

    /// <summary>
    /// Channel variables whose values are redacted in logs and traces, comma-separated and case-insensitive
    /// (<c>PIN, CARDNUMBER</c>): the value of SET VARIABLE, and the reply of GET VARIABLE and GET FULL VARIABLE that name them.
    /// </summary>
    public string? RedactedVariables { get; set; }

    /// <summary>Query parameters of the AGI URL (<c>agi://host/ivr?token=…</c>) whose values are redacted in logs and traces, comma-separated and case-insensitive.</summary>
    public string? RedactedQueryParameters { get; set; }

    /// <summary>Whether command spans carry the command's arguments (<c>fastagi.command.arguments</c>, redacted as in logs); off by default.</summary>
    public bool TraceCommandArguments { get; set; }
}
