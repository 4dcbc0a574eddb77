using FastAgi.Server;

namespace FastAgi.Routing;

/// <summary>
/// Code that runs around the scripts of a route table or a group: per-tenant settings, an allowlist by caller id, turning
/// exceptions into a dialplan outcome, timing. Created for each call from the call's dependency-injection scope, inside the
/// call's logging scope.
/// </summary>
public interface IAgiMiddleware
{
    /// <summary>Handles the call: call <paramref name="next"/> to run the rest of the pipeline and the script, or return without it to end the call here.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "next, as in ASP.NET Core's IMiddleware.")]
    Task InvokeAsync(AgiSession session, Func<Task> next);
}
