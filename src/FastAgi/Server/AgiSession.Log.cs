using FastAgi.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FastAgi.Server;

public sealed partial class AgiSession
{
    private static partial class Log
    {
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
}
