namespace FastAgi.Protocol;

/// <summary>The <c>agi_*</c> environment block Asterisk sends when a call connects: the script it asked for, the channel, the caller and the AGI arguments.</summary>
public sealed class AgiRequest
{
    private readonly KeyValuePair<string, string>[] _variables;

    /// <summary>Builds a request from environment lines in the order Asterisk sent them (names such as <c>agi_channel</c>, values verbatim).</summary>
    public AgiRequest(IEnumerable<KeyValuePair<string, string>> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        _variables = [.. variables];
        Arguments = CollectArguments(_variables);
        NetworkScript = this["agi_network_script"];
        (ScriptPath, RawQuery) = SplitScript(NetworkScript);
        Query = AgiQueryString.Parse(RawQuery);
    }

    /// <summary>Every environment line as sent, in order, including names this type has no property for.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Variables => _variables;

    /// <summary>The raw value of the environment variable <paramref name="name"/> (for example <c>agi_channel</c>), or <see langword="null"/> when Asterisk did not send it.</summary>
    public string? this[string name]
    {
        get
        {
            foreach (KeyValuePair<string, string> variable in _variables)
            {
                if (string.Equals(variable.Key, name, StringComparison.Ordinal))
                {
                    return variable.Value;
                }
            }

            return null;
        }
    }

    /// <summary><c>agi_network_script</c>: everything after the host in the <c>agi://</c> URL, query included, verbatim; <see langword="null"/> when the URL had no path.</summary>
    public string? NetworkScript { get; }

    /// <summary>The script path used for routing: <see cref="NetworkScript"/> without its query or fragment, URL-decoded, without leading or trailing <c>/</c>; empty when the URL had no path.</summary>
    public string ScriptPath { get; }

    /// <summary>The raw query string of <see cref="NetworkScript"/> (after <c>?</c>, without any <c>#fragment</c>), or <see langword="null"/>.</summary>
    public string? RawQuery { get; }

    /// <summary>The URL-decoded query parameters of <see cref="NetworkScript"/>.</summary>
    public AgiQueryString Query { get; }

    /// <summary>The AGI arguments <c>agi_arg_1</c>, <c>agi_arg_2</c>, … in order (the dialplan's <c>AGI(url,arg1,arg2)</c>).</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary><c>agi_request</c>: the full <c>agi://</c> URL as given to <c>AGI()</c>.</summary>
    public string? RequestUrl => this["agi_request"];

    /// <summary><c>agi_channel</c>: the Asterisk channel name, such as <c>PJSIP/alice-00000001</c>.</summary>
    public string? Channel => this["agi_channel"];

    /// <summary><c>agi_language</c>: the channel's language, such as <c>en</c>.</summary>
    public string? Language => this["agi_language"];

    /// <summary><c>agi_type</c>: the channel technology, such as <c>PJSIP</c> or <c>Local</c>.</summary>
    public string? ChannelType => this["agi_type"];

    /// <summary><c>agi_uniqueid</c>: the channel's unique id, the key to correlate logs with Asterisk's.</summary>
    public string? UniqueId => this["agi_uniqueid"];

    /// <summary><c>agi_version</c>: the Asterisk version, such as <c>22.10.1</c>.</summary>
    public string? AsteriskVersion => this["agi_version"];

    /// <summary><c>agi_callerid</c>: the caller's number, or <c>unknown</c>.</summary>
    public string? CallerId => this["agi_callerid"];

    /// <summary><c>agi_calleridname</c>: the caller's name, or <c>unknown</c>.</summary>
    public string? CallerIdName => this["agi_calleridname"];

    /// <summary><c>agi_dnid</c>: the dialed number, or <c>unknown</c>.</summary>
    public string? Dnid => this["agi_dnid"];

    /// <summary><c>agi_rdnis</c>: the redirecting number, or <c>unknown</c>.</summary>
    public string? Rdnis => this["agi_rdnis"];

    /// <summary><c>agi_context</c>: the dialplan context the call is in.</summary>
    public string? Context => this["agi_context"];

    /// <summary><c>agi_extension</c>: the dialplan extension the call is in.</summary>
    public string? Extension => this["agi_extension"];

    /// <summary><c>agi_priority</c>: the priority of the <c>AGI()</c> step.</summary>
    public string? Priority => this["agi_priority"];

    /// <summary><c>agi_accountcode</c>: the channel's account code, often empty.</summary>
    public string? AccountCode => this["agi_accountcode"];

    private static string[] CollectArguments(KeyValuePair<string, string>[] variables)
    {
        const string prefix = "agi_arg_";
        int count = 0;
        foreach (KeyValuePair<string, string> variable in variables)
        {
            if (TryGetArgumentIndex(variable.Key, prefix, out int index))
            {
                count = Math.Max(count, index);
            }
        }

        if (count == 0)
        {
            return [];
        }

        // Asterisk numbers arguments contiguously from 1; a gap (never seen from Asterisk) reads as an empty argument.
        var arguments = new string[count];
        Array.Fill(arguments, string.Empty);
        foreach (KeyValuePair<string, string> variable in variables)
        {
            if (TryGetArgumentIndex(variable.Key, prefix, out int index))
            {
                arguments[index - 1] = variable.Value;
            }
        }

        return arguments;
    }

    private static bool TryGetArgumentIndex(string name, string prefix, out int index)
    {
        index = 0;
        // AGI() passes at most 127 arguments (MAX_ARGS 128 in res_agi.c, argument 0 being the URL); larger numbers are not arguments.
        return name.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index)
            && index is >= 1 and <= 127;
    }

    private static (string Path, string? Query) SplitScript(string? script)
    {
        if (string.IsNullOrEmpty(script))
        {
            return (string.Empty, null);
        }

        // Asterisk passes the URL's path, query and fragment verbatim; as in any URL the fragment starts at the first '#'.
        int fragment = script.IndexOf('#', StringComparison.Ordinal);
        ReadOnlySpan<char> rest = fragment >= 0 ? script.AsSpan(0, fragment) : script.AsSpan();
        int query = rest.IndexOf('?');
        ReadOnlySpan<char> path = query >= 0 ? rest[..query] : rest;
        string? rawQuery = query >= 0 ? rest[(query + 1)..].ToString() : null;
        return (Uri.UnescapeDataString(path.ToString()).Trim('/'), rawQuery);
    }
}
