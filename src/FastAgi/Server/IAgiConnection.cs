using System.IO.Pipelines;

namespace FastAgi.Server;

/// <summary>An accepted connection as the server holds it: a duplex pipe it can close at once.</summary>
internal interface IAgiConnection : IDuplexPipe, IAsyncDisposable
{
    /// <summary>Closes the connection at once: pending and later reads and writes end as if the peer had gone.</summary>
    void Abort();
}
