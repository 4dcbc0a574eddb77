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

        [LoggerMessage(AgiEventIds.ServerStopped, LogLevel.Information, "FastAGI server stopped: {Finished} call(s) finished during the drain, {Cut} cut at the shutdown deadline")]
        public static partial void Stopped(ILogger logger, int finished, int cut);

        [LoggerMessage(AgiEventIds.ServerAbortingCalls, LogLevel.Warning, "Closing {Calls} call(s) still running at the shutdown deadline")]
        public static partial void AbortingCalls(ILogger logger, int calls);

        [LoggerMessage(AgiEventIds.ShutdownIncomplete, LogLevel.Error, "{Calls} script(s) still running {GracePeriod} after their connections were closed; they ignore the hangup token. Stopping without them")]
        public static partial void CallsIgnoredAbort(ILogger logger, int calls, TimeSpan gracePeriod);

        [LoggerMessage(AgiEventIds.AcceptFailed, LogLevel.Warning, "Accepting a connection failed")]
        public static partial void AcceptFailed(ILogger logger, Exception exception);

        [LoggerMessage(AgiEventIds.AcceptFailed, LogLevel.Warning, "Accepting a connection failed: {Error} (errno {Errno})")]
        public static partial void AcceptFailedErrno(ILogger logger, string error, int errno);

        [LoggerMessage(AgiEventIds.EventLoopFault, LogLevel.Error, "Unexpected error on an event loop thread")]
        public static partial void EventLoopFault(ILogger logger, Exception exception);

        [LoggerMessage(AgiEventIds.ConnectionCrashed, LogLevel.Error, "Connection {ConnectionId} crashed")]
        public static partial void ConnectionCrashed(ILogger logger, long connectionId, Exception exception);
    }
}
