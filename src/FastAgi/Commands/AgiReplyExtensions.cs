using FastAgi.Protocol;
using FastAgi.Server;

namespace FastAgi.Commands;

/// <summary>Checks a raw reply the way the typed commands do, for scripts that send commands with <see cref="AgiSession.SendCommandAsync(string, IReadOnlyList{string}, CancellationToken)"/>.</summary>
public static class AgiReplyExtensions
{
    /// <summary>
    /// Returns <paramref name="reply"/> when its status is 200; otherwise throws what a typed command would:
    /// <see cref="AgiUsageException"/> for 520, <see cref="AgiHangupException"/> for 511, <see cref="AgiCommandException"/> for
    /// 510 and every other status.
    /// </summary>
    /// <param name="reply">The reply.</param>
    /// <param name="command">The command it answers, such as <c>STREAM FILE</c>, for the exception's message.</param>
    /// <returns><paramref name="reply"/>, so that a call can be chained: <c>(await call.SendCommandAsync("X")).EnsureSuccess("X")</c>.</returns>
    /// <exception cref="AgiUsageException">Asterisk answered 520: the arguments did not fit the command.</exception>
    /// <exception cref="AgiCommandException">Asterisk answered 510 (unknown command) or another status but 200.</exception>
    /// <exception cref="AgiHangupException">Asterisk answered 511: the channel has hung up.</exception>
    public static AgiReply EnsureSuccess(this AgiReply reply, string command)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentException.ThrowIfNullOrEmpty(command);

        // agi_handle_command(): 510 unknown command, 520 usage, 511 dead channel; GOSUB's 503.
        return reply.StatusCode switch
        {
            200 => reply,
            520 => throw new AgiUsageException(command, reply),
            511 => throw new AgiHangupException(AgiHangupReason.DeadChannel, $"'{command}' cannot run: the channel has hung up (Asterisk answered '{AgiLogText.Escape(reply.ToString())}')."),
            _ => throw new AgiCommandException(command, reply),
        };
    }
}
