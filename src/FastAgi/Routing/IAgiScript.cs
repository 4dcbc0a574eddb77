using FastAgi.Server;

namespace FastAgi.Routing;

/// <summary>A script written as a class, created for each call from that call's dependency-injection scope.</summary>
public interface IAgiScript
{
    /// <summary>Runs the call; <paramref name="cancellationToken"/> fires when the caller hangs up. When it returns, the server closes the connection and the dialplan continues.</summary>
    Task RunAsync(AgiSession session, CancellationToken cancellationToken);
}
