namespace FastAgi.Diagnostics;

/// <summary>Event ids of FastAgi's log messages, grouped in ranges by area so that operators can filter on them.</summary>
public static class AgiEventIds
{
    // 1000-1099: server lifecycle.

    /// <summary>The server is listening on an endpoint.</summary>
    public const int ServerListening = 1000;

    /// <summary>The server is stopping and waits for calls in progress.</summary>
    public const int ServerStopping = 1001;

    /// <summary>Calls were still running at the shutdown deadline and were aborted.</summary>
    public const int ServerAbortingCalls = 1002;

    /// <summary>Accepting a connection failed.</summary>
    public const int AcceptFailed = 1003;

    /// <summary>Scripts were still running after their connections were closed at shutdown; the server stopped without them.</summary>
    public const int ShutdownIncomplete = 1004;

    /// <summary>An unexpected error on an event loop thread of the epoll transport; the loop goes on serving its other calls.</summary>
    public const int EventLoopFault = 1005;

    /// <summary>The server has stopped: how many calls finished during the drain and how many were cut at its deadline.</summary>
    public const int ServerStopped = 1006;

    /// <summary>How many calls the server takes at once (and, as a warning, that the descriptor limit lowered the setting).</summary>
    public const int ServerCapacity = 1007;

    /// <summary>The server listens beyond loopback with no allowlist.</summary>
    public const int OpenToEveryone = 1008;

    /// <summary>A connection from an address the allowlist does not list was closed (throttled).</summary>
    public const int PeerNotAllowed = 1009;

    /// <summary>The server is at capacity: calls are answered BUSY, or idle connections closed to make room (throttled).</summary>
    public const int AtCapacity = 1010;

    /// <summary>A script blocked an event loop of the epoll transport for over a second (once per script).</summary>
    public const int EventLoopBlocked = 1011;

    /// <summary>The server is stopping after <see cref="Hosting.AgiServerOptions.DrainDelay"/>: not ready any more, still serving until then.</summary>
    public const int ServerLeaving = 1012;

    // 2000-2099: connections and calls.

    /// <summary>A call started its script.</summary>
    public const int CallStarted = 2000;

    /// <summary>A call ended.</summary>
    public const int CallEnded = 2001;

    /// <summary>No script is mapped to the requested path.</summary>
    public const int ScriptNotFound = 2002;

    /// <summary>A script threw an exception.</summary>
    public const int ScriptFailed = 2003;

    /// <summary>The peer broke the FastAGI protocol.</summary>
    public const int ProtocolError = 2004;

    /// <summary>The environment block did not arrive in time.</summary>
    public const int EnvironmentTimeout = 2005;

    /// <summary>The connection failed unexpectedly.</summary>
    public const int ConnectionFailed = 2006;

    /// <summary>A connection closed before its environment block was complete.</summary>
    public const int EnvironmentIncomplete = 2007;

    /// <summary>Serving a connection crashed outside the handler's own error handling.</summary>
    public const int ConnectionCrashed = 2008;

    /// <summary>A call reached its maximum duration, or Asterisk did not answer a command within the reply timeout.</summary>
    public const int CallTimedOut = 2009;

    // 3000-3099: commands and replies.

    /// <summary>A command was sent.</summary>
    public const int CommandSent = 3000;

    /// <summary>Asterisk reported the hangup.</summary>
    public const int HangupReceived = 3001;

    /// <summary>A reply arrived for a command whose caller had stopped waiting.</summary>
    public const int AbandonedReplyDiscarded = 3002;

    /// <summary>A fence (<see cref="Protocol.AgiReplyFence"/>) was sent after a command whose reply carries a value.</summary>
    public const int FenceSent = 3003;

    /// <summary>A callback registered on the hangup token threw.</summary>
    public const int HangupCallbackFailed = 3004;

    /// <summary>A command's reply arrived (Debug: the reply line, redacted, and how long it took).</summary>
    public const int ReplyReceived = 3005;

    /// <summary>A command ended without a reply: cancelled, timed out, the connection closed, or the reply broke the protocol.</summary>
    public const int CommandUnanswered = 3006;
}
