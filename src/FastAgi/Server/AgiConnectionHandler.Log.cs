using FastAgi.Diagnostics;
using FastAgi.Protocol;
using Microsoft.Extensions.Logging;

namespace FastAgi.Server;

public sealed partial class AgiConnectionHandler
{
    private static partial class Log
    {
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
    }
}
