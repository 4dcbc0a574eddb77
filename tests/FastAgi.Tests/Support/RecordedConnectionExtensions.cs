using FastAgi.Testing.Replay;

namespace FastAgi.Tests.Support;

/// <summary>The bytes of a recorded connection, for the parser tests.</summary>
public static class RecordedConnectionExtensions
{
    /// <summary>The environment block Asterisk sent: every A->S byte up to and including the blank line.</summary>
    public static byte[] EnvironmentBlock(this AgiRecordedConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var bytes = new List<byte>();
        foreach (AgiRecordedEvent e in connection.Events.Where(static e => e.Kind == AgiRecordedEventKind.AsteriskToServer))
        {
            bytes.AddRange(e.GetBytes());
            if (e.Data == "\n")
            {
                return [.. bytes];
            }
        }

        throw new InvalidOperationException("The recording has no complete environment block.");
    }

    /// <summary>Every byte Asterisk wrote after the environment block, in order.</summary>
    public static byte[] AsteriskBytesAfterEnvironment(this AgiRecordedConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return [.. connection.Events
            .Where(static e => e.Kind == AgiRecordedEventKind.AsteriskToServer)
            .SkipWhile(static e => e.Data != "\n")
            .Skip(1)
            .SelectMany(static e => e.GetBytes())];
    }
}
