using FastAgi.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FastAgi.Server;

public sealed partial class AgiSession
{
    private static partial class Log
    {
        [LoggerMessage(AgiEventIds.CommandSent, LogLevel.Trace, "Sent {Command}")]
        public static partial void CommandSent(ILogger logger, string command);

        [LoggerMessage(AgiEventIds.HangupReceived, LogLevel.Debug, "Asterisk reported the hangup")]
        public static partial void HangupReceived(ILogger logger);

        [LoggerMessage(AgiEventIds.AbandonedReplyDiscarded, LogLevel.Debug, "Discarded a {StatusCode} reply to a command nobody waits for any more")]
        public static partial void AbandonedReplyDiscarded(ILogger logger, int statusCode);

        [LoggerMessage(AgiEventIds.StrayLineDiscarded, LogLevel.Warning, "Discarded a {StatusCode} line that arrived with no command in flight (the tail of a value containing a line feed?)")]
        public static partial void StrayLineDiscarded(ILogger logger, int statusCode);

        [LoggerMessage(AgiEventIds.HangupCallbackFailed, LogLevel.Warning, "A callback registered on the hangup token threw")]
        public static partial void HangupCallbackFailed(ILogger logger, Exception exception);
    }
}
