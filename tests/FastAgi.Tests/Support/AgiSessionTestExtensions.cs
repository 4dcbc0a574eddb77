using FastAgi.Protocol;
using FastAgi.Server;

namespace FastAgi.Tests.Support;

/// <summary>Bounded command calls for test scripts: a server that never delivers a reply fails the script with a message.</summary>
public static class AgiSessionTestExtensions
{
    /// <summary>Sends <paramref name="command"/> with <paramref name="arguments"/> through <see cref="AgiSession.SendCommandAsync(string, IReadOnlyList{string}, CancellationToken)"/> and waits, bounded, for the reply.</summary>
    public static Task<AgiReply> CommandAsync(this AgiSession session, string command, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.SendCommandAsync(command, arguments).AsTask().WaitOrFail($"the reply to '{command}'");
    }
}
