using FastAgi.Protocol;
using FastAgi.Server;

namespace FastAgi.Commands;

public static partial class AgiCommands
{
    private const string DatabaseGetCommand = "DATABASE GET";
    private const string DatabasePutCommand = "DATABASE PUT";
    private const string DatabaseDelCommand = "DATABASE DEL";
    private const string DatabaseDelTreeCommand = "DATABASE DELTREE";

    /// <summary>Reads a value from the Asterisk database (AstDB, <c>family/key</c>) (DATABASE GET).</summary>
    /// <remarks>Sends <c>DATABASE GET family key</c>; Asterisk answers <c>200 result=1 (value)</c> or <c>200 result=0</c>. Works after the caller hung up.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="family">The family, such as <c>blacklist</c> or <c>cfwd/1000</c>.</param>
    /// <param name="key">The key within the family.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The value; <see langword="null"/> when the key does not exist.</returns>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<string?> DatabaseGetAsync(this AgiSession session, string family, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(family);
        ArgumentException.ThrowIfNullOrEmpty(key);
        AgiReply reply = await SendAsync(session, DatabaseGetCommand, [family, key], cancellationToken).ConfigureAwait(false);
        return ValueOrNull(DatabaseGetCommand, reply);
    }

    /// <summary>Adds or replaces a value in the Asterisk database (DATABASE PUT).</summary>
    /// <remarks>Sends <c>DATABASE PUT family key value</c>; Asterisk answers <c>200 result=1</c>, or <c>200 result=0</c> when the database write failed. Works after the caller hung up.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="family">The family.</param>
    /// <param name="key">The key within the family.</param>
    /// <param name="value">The value, sent as one word whatever it holds.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> when stored; <see langword="false"/> when Asterisk's database reported an error.</returns>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<bool> DatabasePutAsync(this AgiSession session, string family, string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(family);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        AgiReply reply = await SendAsync(session, DatabasePutCommand, [family, key, value], cancellationToken).ConfigureAwait(false);
        return OneOrZero(DatabasePutCommand, reply);
    }

    /// <summary>Deletes one key from the Asterisk database (DATABASE DEL).</summary>
    /// <remarks>
    /// Sends <c>DATABASE DEL family key</c>. Pitfall: Asterisk answers <c>200 result=1</c> even when the key did not exist, so the
    /// result cannot tell whether something was deleted; read it first with <see cref="DatabaseGetAsync"/> if that matters.
    /// Works after the caller hung up.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="family">The family.</param>
    /// <param name="key">The key within the family.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> unless Asterisk's database reported an error (<c>200 result=0</c>).</returns>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<bool> DatabaseDeleteAsync(this AgiSession session, string family, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(family);
        ArgumentException.ThrowIfNullOrEmpty(key);
        AgiReply reply = await SendAsync(session, DatabaseDelCommand, [family, key], cancellationToken).ConfigureAwait(false);
        return OneOrZero(DatabaseDelCommand, reply);
    }

    /// <summary>Deletes a whole family, or every key under <c>family/keyTree</c>, from the Asterisk database (DATABASE DELTREE).</summary>
    /// <remarks>
    /// Sends <c>DATABASE DELTREE family [keytree]</c>. Pitfall: Asterisk's reply is the inverse of its documentation
    /// (<c>num_deleted &gt; 0 ? '0' : '1'</c>): <c>200 result=0</c> when entries were deleted, <c>200 result=1</c> when nothing matched.
    /// This method translates it. Works after the caller hung up.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="family">The family.</param>
    /// <param name="keyTree">The key prefix within the family; <see langword="null"/> deletes the whole family.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns><see langword="true"/> when at least one entry was deleted; <see langword="false"/> when nothing matched.</returns>
    /// <exception cref="AgiHangupException">The connection is closed.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static async ValueTask<bool> DatabaseDeleteTreeAsync(this AgiSession session, string family, string? keyTree = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(family);
        string[] arguments = keyTree is null ? [family] : [family, keyTree];
        AgiReply reply = await SendAsync(session, DatabaseDelTreeCommand, arguments, cancellationToken).ConfigureAwait(false);

        // handle_dbdeltree(): ast_agi_send(..., "200 result=%c\n", num_deleted > 0 ? '0' : '1').
        return !OneOrZero(DatabaseDelTreeCommand, reply);
    }

    /// <summary>Reads a reply that is <c>200 result=1</c> or <c>200 result=0</c>.</summary>
    private static bool OneOrZero(string command, AgiReply reply) => ResultCode(command, reply) switch
    {
        1 => true,
        0 => false,
        _ => throw Unexpected(command, reply),
    };
}
