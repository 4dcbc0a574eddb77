namespace FastAgi.Testing.Replay;

/// <summary>What one recorded event is.</summary>
public enum AgiRecordedEventKind
{
    /// <summary>Bytes Asterisk wrote to the server (<c>A-&gt;S</c>).</summary>
    AsteriskToServer,

    /// <summary>Bytes the server wrote to Asterisk (<c>S-&gt;A</c>).</summary>
    ServerToAsterisk,

    /// <summary>A note of the recorder (<c>NOTE</c>), such as <c>server: close() socket</c>.</summary>
    Note,

    /// <summary>Asterisk closed its side of the socket (<c>EOF</c>).</summary>
    EndOfStream,
}
