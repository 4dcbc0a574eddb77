using System.Net;
using FastAgi.Diagnostics;
using FastAgi.Hosting;
using FastAgi.Protocol;
using Microsoft.Extensions.Logging;

namespace FastAgi.Server;

/// <summary>The server's log messages, in one class: the logging source generator orders the classes it emits differently from build to build, so one class keeps builds reproducible.</summary>
internal static partial class AgiLog
{
    [LoggerMessage(AgiEventIds.ServerListening, LogLevel.Information, "FastAGI server listening on {Endpoint} ({Transport} transport)")]
    public static partial void Listening(ILogger logger, IPEndPoint endpoint, AgiTransport transport);

    [LoggerMessage(AgiEventIds.ServerStopping, LogLevel.Information, "FastAGI server stopping; waiting for {Calls} call(s) in progress")]
    public static partial void Stopping(ILogger logger, int calls);

    [LoggerMessage(AgiEventIds.ServerLeaving, LogLevel.Information, "FastAGI server stopping: not ready any more, serving for {DrainDelay} more (FastAgi:DrainDelay) before it closes its listeners")]
    public static partial void Leaving(ILogger logger, TimeSpan drainDelay);

    [LoggerMessage(AgiEventIds.ServerStopped, LogLevel.Information, "FastAGI server stopped: {Finished} call(s) finished during the drain, {Cut} cut at the shutdown deadline")]
    public static partial void Stopped(ILogger logger, int finished, int cut);

    [LoggerMessage(AgiEventIds.ServerAbortingCalls, LogLevel.Warning, "Closing {Calls} call(s) still running at the shutdown deadline")]
    public static partial void AbortingCalls(ILogger logger, int calls);

    [LoggerMessage(AgiEventIds.ShutdownIncomplete, LogLevel.Error, "{Calls} script(s) still running {GracePeriod} after their connections were closed; they ignore the hangup token. Stopping without them")]
    public static partial void CallsIgnoredAbort(ILogger logger, int calls, TimeSpan gracePeriod);

    [LoggerMessage(AgiEventIds.AcceptFailed, LogLevel.Warning, "Accepting a connection failed: {SocketError}: {Error} ({Suppressed} more since the last such warning)")]
    public static partial void AcceptFailed(ILogger logger, System.Net.Sockets.SocketError socketError, string error, long suppressed);

    [LoggerMessage(AgiEventIds.AcceptFailed, LogLevel.Warning, "Accepting a connection failed: {Error} (errno {Errno}; {Suppressed} more since the last such warning)")]
    public static partial void AcceptFailedErrno(ILogger logger, string error, int errno, long suppressed);

    [LoggerMessage(AgiEventIds.ServerCapacity, LogLevel.Information, "Accepting up to {Calls} concurrent calls (descriptor limit {DescriptorLimit}; -1: none known)")]
    public static partial void Capacity(ILogger logger, int calls, long descriptorLimit);

    [LoggerMessage(AgiEventIds.ServerCapacity, LogLevel.Warning, "FastAgi:MaxConcurrentCalls is {Configured}, but the descriptor limit {DescriptorLimit} leaves room for {Calls} calls: serving at most {Calls}. Raise LimitNOFILE (ulimit -n) for more")]
    public static partial void CapacityLowered(ILogger logger, int configured, int calls, long descriptorLimit);

    [LoggerMessage(AgiEventIds.OpenToEveryone, LogLevel.Warning, "Listening on {Endpoint} with no FastAgi:AllowedPeers: any host that reaches this port can run scripts. List your Asterisk servers there")]
    public static partial void OpenToEveryone(ILogger logger, IPEndPoint endpoint);

    [LoggerMessage(AgiEventIds.PeerNotAllowed, LogLevel.Warning, "Closed a connection from {Peer}, which FastAgi:AllowedPeers does not list ({Suppressed} more since the last such warning)")]
    public static partial void PeerNotAllowed(ILogger logger, IPEndPoint? peer, long suppressed);

    [LoggerMessage(AgiEventIds.AtCapacity, LogLevel.Warning, "At capacity ({MaxCalls} calls): answering new calls FASTAGI_ERROR=BUSY ({Suppressed} more since the last such warning)")]
    public static partial void AtCapacity(ILogger logger, int maxCalls, long suppressed);

    [LoggerMessage(AgiEventIds.AtCapacity, LogLevel.Warning, "At capacity: closed {Connections} connection(s) that sent no environment within {Timeout}, to make room for calls")]
    public static partial void EvictedIdle(ILogger logger, int connections, TimeSpan timeout);

    [LoggerMessage(AgiEventIds.EventLoopBlocked, LogLevel.Warning, "Script '{Script}' blocked event loop '{Loop}' for {Blocked} at least, delaying every call on it: with RunScriptsOnEventLoops a script must not block its thread (synchronous I/O, .Result, .Wait(), Thread.Sleep). Said once per script")]
    public static partial void LoopBlocked(ILogger logger, string script, string loop, TimeSpan blocked);

    [LoggerMessage(AgiEventIds.EventLoopFault, LogLevel.Error, "Unexpected error on an event loop thread")]
    public static partial void EventLoopFault(ILogger logger, Exception exception);

    [LoggerMessage(AgiEventIds.ConnectionCrashed, LogLevel.Error, "Connection {ConnectionId} crashed")]
    public static partial void ConnectionCrashed(ILogger logger, long connectionId, Exception exception);

    private static readonly Func<ILogger, string, string, string, string, IDisposable?> CallScope =
        LoggerMessage.DefineScope<string, string, string, string>("AGI call {AgiUniqueId} {AgiChannel} {AgiScript} from {AgiPeer}");

    public static IDisposable? BeginCallScope(ILogger logger, string uniqueId, string channel, string script, string peer) => CallScope(logger, uniqueId, channel, script, peer);

    [LoggerMessage(AgiEventIds.CallStarted, LogLevel.Debug, "Running script '{Script}' (query '{Query}') for {Channel}, caller {CallerId}")]
    public static partial void CallStarted(ILogger logger, string script, string query, string channel, string callerId);

    [LoggerMessage(AgiEventIds.CallEnded, LogLevel.Information, "Call {AgiUniqueId} '{Script}' on {Channel} from {CallerId} via {Peer}: {Outcome} after {DurationMs:0.###} ms, {Commands} commands, hangup {HangupReason}")]
    public static partial void CallEnded(ILogger logger, string script, string agiUniqueId, string channel, string callerId, string peer, string outcome, double durationMs, int commands, string hangupReason);

    [LoggerMessage(AgiEventIds.ScriptNotFound, LogLevel.Warning, "No script is mapped to '{Script}' (call {AgiUniqueId}); answered AGISTATUS=FAILURE with FASTAGI_ERROR=NOTFOUND ({Suppressed} more since the last such warning)")]
    public static partial void ScriptNotFound(ILogger logger, string script, string agiUniqueId, long suppressed);

    [LoggerMessage(AgiEventIds.ScriptNotFound, LogLevel.Debug, "No script is mapped to '{Script}' (call {AgiUniqueId})")]
    public static partial void ScriptNotFoundDetail(ILogger logger, string script, string agiUniqueId);

    [LoggerMessage(AgiEventIds.ScriptFailed, LogLevel.Error, "Script '{Script}' failed (call {AgiUniqueId}); answered AGISTATUS=FAILURE with FASTAGI_ERROR=EXCEPTION")]
    public static partial void ScriptFailed(ILogger logger, string script, string agiUniqueId, Exception exception);

    [LoggerMessage(AgiEventIds.ProtocolError, LogLevel.Warning, "Connection {ConnectionId} broke the FastAGI protocol ({ProtocolError}: {Reason}); closed it ({Suppressed} more since the last such warning)")]
    public static partial void ProtocolError(ILogger logger, string connectionId, AgiProtocolError protocolError, string reason, long suppressed);

    [LoggerMessage(AgiEventIds.ProtocolError, LogLevel.Debug, "Connection {ConnectionId} broke the FastAGI protocol ({ProtocolError}: {Reason}); closed it")]
    public static partial void ProtocolErrorDetail(ILogger logger, string connectionId, AgiProtocolError protocolError, string reason);

    [LoggerMessage(AgiEventIds.EnvironmentTimeout, LogLevel.Warning, "Connection {ConnectionId} sent no complete environment within {Timeout}; closed it ({Suppressed} more since the last such warning)")]
    public static partial void EnvironmentTimedOut(ILogger logger, string connectionId, TimeSpan timeout, long suppressed);

    [LoggerMessage(AgiEventIds.EnvironmentTimeout, LogLevel.Debug, "Connection {ConnectionId} sent no complete environment within {Timeout}; closed it")]
    public static partial void EnvironmentTimedOutDetail(ILogger logger, string connectionId, TimeSpan timeout);

    [LoggerMessage(AgiEventIds.CallTimedOut, LogLevel.Warning, "Script '{Script}' reached the maximum call duration of {MaxCallDuration}; answered AGISTATUS=FAILURE with FASTAGI_ERROR=TIMEOUT")]
    public static partial void CallTimedOut(ILogger logger, string script, TimeSpan maxCallDuration);

    [LoggerMessage(AgiEventIds.CallTimedOut, LogLevel.Warning, "Script '{Script}': Asterisk did not answer '{Command}' within the reply timeout of {ReplyTimeout}; closed the call")]
    public static partial void ReplyTimedOut(ILogger logger, string script, string command, TimeSpan replyTimeout);

    [LoggerMessage(AgiEventIds.EnvironmentIncomplete, LogLevel.Debug, "Connection {ConnectionId} closed before its environment was complete")]
    public static partial void EnvironmentIncomplete(ILogger logger, string connectionId);

    [LoggerMessage(AgiEventIds.PeerNotAllowed, LogLevel.Warning, "Closed a connection from {Peer} (forwarded by {Proxy}), which FastAgi:AllowedPeers does not list ({Suppressed} more since the last such warning)")]
    public static partial void ProxiedPeerNotAllowed(ILogger logger, System.Net.IPEndPoint? peer, System.Net.IPEndPoint? proxy, long suppressed);

    [LoggerMessage(AgiEventIds.ConnectionFailed, LogLevel.Error, "Connection {ConnectionId} failed")]
    public static partial void ConnectionFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(AgiEventIds.CommandSent, LogLevel.Debug, "Sent {Command}")]
    public static partial void CommandSent(ILogger logger, string command);

    [LoggerMessage(AgiEventIds.ReplyReceived, LogLevel.Debug, "Asterisk answered {Command}: {Reply} ({ElapsedMs:0.###} ms)")]
    public static partial void ReplyReceived(ILogger logger, string command, string reply, double elapsedMs);

    [LoggerMessage(AgiEventIds.CommandUnanswered, LogLevel.Debug, "{Command} ended without a reply: {Ending} ({ElapsedMs:0.###} ms)")]
    public static partial void CommandUnanswered(ILogger logger, string command, string ending, double elapsedMs);

    [LoggerMessage(AgiEventIds.HangupReceived, LogLevel.Debug, "Asterisk reported the hangup")]
    public static partial void HangupReceived(ILogger logger);

    [LoggerMessage(AgiEventIds.AbandonedReplyDiscarded, LogLevel.Debug, "Discarded a {StatusCode} reply to a command nobody waits for any more")]
    public static partial void AbandonedReplyDiscarded(ILogger logger, int statusCode);

    [LoggerMessage(AgiEventIds.FenceSent, LogLevel.Trace, "Sent the fence that marks the end of a value's reply")]
    public static partial void FenceSent(ILogger logger);

    [LoggerMessage(AgiEventIds.HangupCallbackFailed, LogLevel.Warning, "A callback registered on the hangup token threw")]
    public static partial void HangupCallbackFailed(ILogger logger, Exception exception);
}
