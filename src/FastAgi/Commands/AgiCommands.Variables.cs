using FastAgi.Protocol;
using FastAgi.Server;

namespace FastAgi.Commands;

public static partial class AgiCommands
{
    private const string GetVariableCommand = "GET VARIABLE";
    private const string GetFullVariableCommand = "GET FULL VARIABLE";
    private const string SetVariableCommand = "SET VARIABLE";

    /// <summary>The longest value GET VARIABLE returns, in bytes: Asterisk copies the value into a 1024-byte buffer (<c>tempstr[1024]</c>).</summary>
    public const int MaxGetVariableLength = 1023;

    /// <summary>Reads a channel variable, or calls a dialplan function when the name ends with <c>)</c> (GET VARIABLE).</summary>
    /// <remarks>
    /// <para>
    /// Sends <c>GET VARIABLE name</c>; Asterisk answers <c>200 result=1 (value)</c> or <c>200 result=0</c> when the variable is not set
    /// (or the function failed, such as an unknown function). A set but empty variable gives <c>""</c>, not <see langword="null"/>.
    /// Works after the caller hung up.
    /// </para>
    /// <para>
    /// Pitfall: Asterisk silently cuts the value to <see cref="MaxGetVariableLength"/> (1023) bytes. For values that may be longer,
    /// use <see cref="GetFullVariableAsync"/> with <c>${name}</c>, which has no limit. A value holding a line feed arrives intact
    /// (the reply parser joins the lines).
    /// </para>
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="name">The variable (<c>CALLERID(num)</c> or <c>MY_VAR</c>); nothing in it is expanded.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The value, possibly empty; <see langword="null"/> when the variable is not set.</returns>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<string?> GetVariableAsync(this AgiSession session, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        AgiReply reply = await SendAsync(session, GetVariableCommand, [name], cancellationToken).ConfigureAwait(false);
        return ValueOrNull(GetVariableCommand, reply);
    }

    /// <summary>Evaluates an expression with dialplan substitution, such as <c>${CALLERID(num)}-${EXTEN}</c> (GET FULL VARIABLE).</summary>
    /// <remarks>
    /// Sends <c>GET FULL VARIABLE expression [channel]</c>; Asterisk answers <c>200 result=1 (value)</c>, or <c>200 result=0</c> when the
    /// named channel does not exist. Unlike GET VARIABLE there is no length limit, and unset variables become empty text
    /// rather than "not set". Works after the caller hung up.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="expression">The text to substitute, with <c>${…}</c>, <c>$[…]</c> and function calls.</param>
    /// <param name="channelName">Another channel to evaluate the expression on (<c>PJSIP/bob-00000002</c>); <see langword="null"/> for this call.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The substituted text; <see langword="null"/> only when <paramref name="channelName"/> names no existing channel.</returns>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<string?> GetFullVariableAsync(this AgiSession session, string expression, string? channelName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(expression);
        string[] arguments = channelName is null ? [expression] : [expression, channelName];
        AgiReply reply = await SendAsync(session, GetFullVariableCommand, arguments, cancellationToken).ConfigureAwait(false);
        return ValueOrNull(GetFullVariableCommand, reply);
    }

    /// <summary>Sets a channel variable, or writes a dialplan function such as <c>CALLERID(name)</c> (SET VARIABLE).</summary>
    /// <remarks>
    /// Sends <c>SET VARIABLE name value</c>, both quoted as one word each; Asterisk always answers <c>200 result=1</c>. Nothing in the
    /// value is expanded (<c>${X}</c> is stored literally). A name starting with <c>_</c> or <c>__</c> is inherited by channels this one
    /// creates. Works after the caller hung up. The value cannot hold a line feed, CR or NUL (refused with <see cref="ArgumentException"/>).
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="name">The variable or function to set.</param>
    /// <param name="value">The value; empty sets the variable to empty text.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask SetVariableAsync(this AgiSession session, string name, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        await SendAsync(session, SetVariableCommand, [name, value], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads <c>200 result=1 (value)</c> / <c>200 result=0</c>, the shape of GET VARIABLE, GET FULL VARIABLE and DATABASE GET.</summary>
    private static string? ValueOrNull(string command, AgiReply reply) => ResultCode(command, reply) switch
    {
        1 => reply.Data ?? throw Unexpected(command, reply),
        0 => null,
        _ => throw Unexpected(command, reply),
    };
}
