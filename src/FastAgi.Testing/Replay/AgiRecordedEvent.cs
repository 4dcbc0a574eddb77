using System.Text;

namespace FastAgi.Testing.Replay;

/// <summary>One event of a recorded FastAGI connection.</summary>
/// <param name="Time">Seconds since the recorder accepted the connection.</param>
/// <param name="Kind">What the event is.</param>
/// <param name="Data">The bytes, decoded as latin-1 (one character per byte), or the note's text.</param>
public sealed record AgiRecordedEvent(double Time, AgiRecordedEventKind Kind, string Data)
{
    /// <summary>The exact bytes of a data event (the latin-1 encoding of <see cref="Data"/>).</summary>
    public byte[] GetBytes() => Encoding.Latin1.GetBytes(Data);
}
