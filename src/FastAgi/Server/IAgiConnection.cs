using System.IO.Pipelines;
using System.Net;

namespace FastAgi.Server;

/// <summary>An accepted connection as the server holds it: a duplex pipe it can close at once.</summary>
internal interface IAgiConnection : IDuplexPipe, IAsyncDisposable
{
    /// <summary>Closes the connection at once: pending and later reads and writes end as if the peer had gone.</summary>
    void Abort();

    /// <summary>Ends the connection with a FIN: drops what the peer still sends until it closes too or <paramref name="linger"/> has passed, then closes.</summary>
    Task CloseAsync(TimeSpan linger);

    /// <summary>The peer's address, as the accept returned it.</summary>
    IPEndPoint? RemoteEndPoint { get; }

    /// <summary>This end's address (on a server listening on every address, the one the peer reached).</summary>
    IPEndPoint? LocalEndPoint { get; }
}
