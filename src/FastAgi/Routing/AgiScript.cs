using FastAgi.Server;

namespace FastAgi.Routing;

/// <summary>A script run for one call; <paramref name="cancellationToken"/> is the session's <see cref="AgiSession.HangupToken"/>.</summary>
public delegate Task AgiScript(AgiSession session, CancellationToken cancellationToken);
