using FastAgi.Server;

namespace FastAgi.Commands;

public static partial class AgiCommands
{
    private const string SetContextCommand = "SET CONTEXT";
    private const string SetExtensionCommand = "SET EXTENSION";
    private const string SetPriorityCommand = "SET PRIORITY";

    /// <summary>Sets the context where the dialplan continues when the AGI ends (SET CONTEXT).</summary>
    /// <remarks>
    /// Sends <c>SET CONTEXT context</c>; Asterisk always answers <c>200 result=0</c> and does not check that the context exists. The
    /// change takes effect when the script ends (the session closes) with the call still up; set the extension and priority too.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="context">The dialplan context.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask SetContextAsync(this AgiSession session, string context, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(context);
        await SendAsync(session, SetContextCommand, [context], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets the extension where the dialplan continues when the AGI ends (SET EXTENSION).</summary>
    /// <remarks>Sends <c>SET EXTENSION extension</c>; Asterisk always answers <c>200 result=0</c> and does not check that the extension exists.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="extension">The extension.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask SetExtensionAsync(this AgiSession session, string extension, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(extension);
        await SendAsync(session, SetExtensionCommand, [extension], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets the priority, by label, where the dialplan continues when the AGI ends (SET PRIORITY).</summary>
    /// <remarks>
    /// Sends <c>SET PRIORITY label</c>; Asterisk answers <c>200 result=0</c>. The label is looked up in the <em>current</em> context and
    /// extension, so call <see cref="SetContextAsync"/> and <see cref="SetExtensionAsync"/> first. The dialplan continues at that
    /// priority itself (not the one after it).
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="label">A priority label (<c>same => n(label),…</c>), or a number as text.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <exception cref="AgiUsageException">The label does not exist in the current context and extension (Asterisk answers 520).</exception>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask SetPriorityAsync(this AgiSession session, string label, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        await SendAsync(session, SetPriorityCommand, [label], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets the priority, by number, where the dialplan continues when the AGI ends (SET PRIORITY).</summary>
    /// <remarks>Sends <c>SET PRIORITY n</c>; Asterisk answers <c>200 result=0</c>. The dialplan continues at that priority itself.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="priority">The priority number, 1 or more.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <exception cref="AgiHangupException">The call has hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask SetPriorityAsync(this AgiSession session, int priority, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(priority, 1);
        return session.SetPriorityAsync(Format(priority), cancellationToken);
    }
}
