using System.Net;
using FastAgi.Diagnostics;
using FastAgi.Hosting;
using Microsoft.Extensions.Logging;

namespace FastAgi.Server;

public sealed partial class AgiServer
{
    private static partial class Log
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
    }
}
