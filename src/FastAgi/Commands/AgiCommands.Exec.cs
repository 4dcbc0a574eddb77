using System.Runtime.CompilerServices;
using FastAgi.Protocol;
using FastAgi.Server;

namespace FastAgi.Commands;

public static partial class AgiCommands
{
    private const string ExecCommand = "EXEC";
    private const string GosubCommand = "GOSUB";

    /// <summary>Runs a dialplan application, such as <c>Playback</c> or <c>Dial</c>, with its argument string (EXEC).</summary>
    /// <remarks>
    /// <para>
    /// Sends <c>EXEC application "arguments"</c> and waits until the application returns; Asterisk answers
    /// <c>200 result=&lt;the application's return value&gt;</c>, or <c>200 result=-2</c> when no such application exists (thrown as
    /// <see cref="AgiCommandException"/>). Works after the caller hung up (the application may then return -1 at once).
    /// </para>
    /// <para>
    /// Pitfall: Asterisk passes only the <em>first</em> word after the application name and silently drops the rest, so the
    /// arguments always go as one quoted word here; separate the application's own arguments with <c>,</c> as in the dialplan, or
    /// use the overload taking a list. <c>${…}</c> in them is expanded only when the channel variable <c>AGIEXECFULL</c> is
    /// <c>yes</c>. EXEC is not interrupted by an early command.
    /// </para>
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="application">The application name (case-insensitive), such as <c>Playback</c>.</param>
    /// <param name="arguments">The application's argument string, such as <c>beep,noanswer</c>; <see langword="null"/> or empty for none.</param>
    /// <param name="cancellationToken">Stops waiting for the reply (the next command waits for it).</param>
    /// <returns>
    /// The application's return value: 0 when the dialplan would continue after it, -1 when it wants the channel hung up (usually
    /// because the caller hung up during it, or the application hangs up, like <c>Hangup</c>).
    /// </returns>
    /// <exception cref="AgiCommandException">The application does not exist (<c>200 result=-2</c>), or Asterisk refused the command.</exception>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    [OverloadResolutionPriority(1)] // ExecAsync("App", null, token) picks this overload rather than being ambiguous with the list's.
    public static async ValueTask<int> ExecAsync(this AgiSession session, string application, string? arguments = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(application);
        string[] words = string.IsNullOrEmpty(arguments) ? [application] : [application, arguments];
        AgiReply reply = await SendAsync(session, ExecCommand, words, cancellationToken).ConfigureAwait(false);

        // handle_exec(): "200 result=%d" with the application's return value, -2 when pbx_findapp() found nothing.
        long code = ResultCode(ExecCommand, reply);
        return code switch
        {
            -2 => throw new AgiCommandException(ExecCommand, reply, $"Asterisk has no application '{application}' (EXEC answered '{AgiLogText.Escape(reply.ToString())}'): check the name and that its module is loaded."),
            >= int.MinValue and <= int.MaxValue => (int)code,
            _ => throw Unexpected(ExecCommand, reply),
        };
    }

    /// <summary>Runs a dialplan application with a list of arguments, joined with <c>,</c> and sent as one word (EXEC).</summary>
    /// <remarks>
    /// <c>ExecAsync("Dial", ["PJSIP/alice", "30", "tT"])</c> sends <c>EXEC Dial PJSIP/alice,30,tT</c>, exactly as
    /// <c>Dial(PJSIP/alice,30,tT)</c> in the dialplan. An argument that itself holds a <c>,</c> is split by the application as it
    /// would be in the dialplan; escape it as <c>\,</c> for applications that use the standard argument parser. See
    /// <see cref="ExecAsync(AgiSession, string, string?, CancellationToken)"/> for the reply.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="application">The application name (case-insensitive), such as <c>Dial</c>.</param>
    /// <param name="arguments">The application's arguments, in order; empty ones keep their position (<c>a,,c</c>).</param>
    /// <param name="cancellationToken">Stops waiting for the reply (the next command waits for it).</param>
    /// <returns>The application's return value (0: continue, -1: hang up).</returns>
    /// <exception cref="AgiCommandException">The application does not exist (<c>200 result=-2</c>), or Asterisk refused the command.</exception>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    public static ValueTask<int> ExecAsync(this AgiSession session, string application, IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return session.ExecAsync(application, string.Join(',', arguments), cancellationToken);
    }

    /// <summary>Runs a dialplan subroutine and waits until it returns (GOSUB), like <c>Gosub(context,extension,priority(args))</c>.</summary>
    /// <remarks>
    /// <para>
    /// Sends <c>GOSUB context extension priority ["arg1,arg2,…"]</c>. Asterisk answers <c>100 result=0 Trying...</c> at once (the
    /// session waits past it) and <c>200 result=0 Gosub complete</c> when the subroutine calls <c>Return()</c>; its return value is in
    /// the channel variable <c>GOSUB_RETVAL</c>, and the arguments are <c>${ARG1}</c>, <c>${ARG2}</c>, … inside it. GOSUB is not
    /// interrupted by an early command and can take as long as the subroutine does.
    /// </para>
    /// <para>Pitfall: an unknown context, extension or label gives <see cref="GosubResult.LabelNotFound"/> and makes the session's final <c>AGISTATUS</c> <c>FAILURE</c>.</para>
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="context">The subroutine's context.</param>
    /// <param name="extension">The extension in that context, such as <c>s</c>.</param>
    /// <param name="priority">The priority number or label to start at.</param>
    /// <param name="arguments">The subroutine's arguments, joined with <c>,</c>; <see langword="null"/> or empty for none.</param>
    /// <param name="cancellationToken">Stops waiting for the reply (the next command waits for it).</param>
    /// <returns>Whether the subroutine returned, exited abnormally (usually a hangup inside it), or could not be found or started.</returns>
    /// <exception cref="AgiHangupException">The call had hung up before the command (Asterisk refuses GOSUB on a dead channel).</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command (including <c>503 result=-2 Memory allocation failure</c>).</exception>
    public static async ValueTask<GosubResult> GosubAsync(
        this AgiSession session,
        string context,
        string extension,
        string priority,
        IEnumerable<string>? arguments = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(context);
        ArgumentException.ThrowIfNullOrEmpty(extension);
        ArgumentException.ThrowIfNullOrEmpty(priority);
        string? joined = arguments is null ? null : string.Join(',', arguments);
        string[] words = string.IsNullOrEmpty(joined) ? [context, extension, priority] : [context, extension, priority, joined];
        AgiReply reply = await SendAsync(session, GosubCommand, words, cancellationToken).ConfigureAwait(false);

        // handle_gosub() in app_stack.c: free text after the result, no parentheses.
        long code = ResultCode(GosubCommand, reply);
        string extra = reply.Extra;
        return extra switch
        {
            "Gosub complete" when code == 0 => GosubResult.Completed,
            "Gosub complete (abnormal exit)" when code == 0 => GosubResult.AbnormalExit,
            "Gosub label not found" => GosubResult.LabelNotFound,
            "Gosub failed" => GosubResult.Failed,
            _ => throw Unexpected(GosubCommand, reply),
        };
    }

    /// <summary>Runs a dialplan subroutine at a numbered priority and waits until it returns (GOSUB).</summary>
    /// <inheritdoc cref="GosubAsync(AgiSession, string, string, string, IEnumerable{string}?, CancellationToken)"/>
    public static ValueTask<GosubResult> GosubAsync(
        this AgiSession session,
        string context,
        string extension,
        int priority,
        IEnumerable<string>? arguments = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(priority, 1);
        return session.GosubAsync(context, extension, Format(priority), arguments, cancellationToken);
    }
}
