using System.Globalization;
using System.Text;
using FastAgi.Protocol;

namespace FastAgi.Testing;

/// <summary>
/// Builds the environment block Asterisk 22 sends when a FastAGI call connects, in its exact order and format:
/// <c>name: value\n</c> per line (an empty value still gives <c>name: \n</c>), the <c>agi_arg_N</c> lines last, then a blank line.
/// </summary>
/// <remarks>
/// The defaults describe an answered SIP call to extension 100 with no caller id, on a channel and with a uniqueid of its own
/// (<c>PJSIP/1000-0000002a</c>, <c>1700000000.42</c>: numbered as Asterisk numbers them, one more for each builder in the
/// process), so that calls in one test are told apart as on a real PBX. <see cref="Set"/> overrides any
/// <c>agi_*</c> line in place or adds a new one before the arguments; <see cref="Remove"/> leaves a line out.
/// </remarks>
public sealed class AgiEnvironmentBuilder
{
    private readonly List<KeyValuePair<string, string>> _lines =
    [
        new("agi_network", "yes"),
        new("agi_network_script", string.Empty),
        new("agi_request", "agi://127.0.0.1"),
        new("agi_channel", "PJSIP/1000-00000001"),
        new("agi_language", "en"),
        new("agi_type", "PJSIP"),
        new("agi_uniqueid", "1700000000.1"),
        new("agi_version", "22.10.1"),
        new("agi_callerid", "unknown"),
        new("agi_calleridname", "unknown"),
        new("agi_callingpres", "67"),
        new("agi_callingani2", "0"),
        new("agi_callington", "0"),
        new("agi_callingtns", "0"),
        new("agi_dnid", "unknown"),
        new("agi_rdnis", "unknown"),
        new("agi_context", "default"),
        new("agi_extension", "100"),
        new("agi_priority", "2"),
        new("agi_enhanced", "0.0"),
        new("agi_accountcode", string.Empty),
        new("agi_threadid", "139872654321408"),
    ];

    private static int _calls;

    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private readonly List<string> _arguments = [];

    /// <summary>Creates the environment of a new call: Asterisk's defaults, with the next channel name and uniqueid.</summary>
    public AgiEnvironmentBuilder()
    {
        int call = Interlocked.Increment(ref _calls);
        Replace("agi_channel", string.Create(CultureInfo.InvariantCulture, $"PJSIP/1000-{call:x8}"));
        Replace("agi_uniqueid", string.Create(CultureInfo.InvariantCulture, $"1700000000.{call}"));
    }

    /// <summary>Sets the <c>agi://</c> URL the dialplan passed to <c>AGI()</c>: <c>agi_request</c> is the URL, <c>agi_network_script</c> everything after its host (no line when that is empty).</summary>
    /// <exception cref="FormatException">The URL is not an <c>agi://</c> URL.</exception>
    public AgiEnvironmentBuilder Url(string url)
    {
        AgiUrl parsed = AgiUrl.Parse(url);
        Replace("agi_request", parsed.Url);
        Replace("agi_network_script", parsed.Script ?? string.Empty);
        return this;
    }

    /// <summary>Sets the script path and query (<c>ivr/main?lang=fr</c>), as from <c>AGI(agi://127.0.0.1/ivr/main?lang=fr)</c>.</summary>
    public AgiEnvironmentBuilder Script(string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        return Url("agi://127.0.0.1/" + pathAndQuery.TrimStart('/'));
    }

    /// <summary>Sets the AGI arguments (<c>agi_arg_1</c>, <c>agi_arg_2</c>, …), replacing any set before.</summary>
    public AgiEnvironmentBuilder Arguments(params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        _arguments.Clear();
        foreach (string argument in arguments)
        {
            Argument(argument);
        }

        return this;
    }

    /// <summary>Adds one AGI argument after those already set.</summary>
    public AgiEnvironmentBuilder Argument(string value)
    {
        CheckValue(value);
        _arguments.Add(value);
        return this;
    }

    /// <summary>Sets the caller's number and name (<c>agi_callerid</c>, <c>agi_calleridname</c>; presentation 0, allowed).</summary>
    public AgiEnvironmentBuilder CallerId(string number, string? name = null)
    {
        Replace("agi_callerid", number);
        Replace("agi_calleridname", name ?? "unknown");
        Replace("agi_callingpres", "0");
        return this;
    }

    /// <summary>Sets the channel name (<c>agi_channel</c>) and its technology (<c>agi_type</c>, the part before <c>/</c>).</summary>
    public AgiEnvironmentBuilder Channel(string name)
    {
        Replace("agi_channel", name);
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            Replace("agi_type", name[..slash]);
        }

        return this;
    }

    /// <summary>Sets <c>agi_uniqueid</c>.</summary>
    public AgiEnvironmentBuilder UniqueId(string uniqueId) => Replace("agi_uniqueid", uniqueId);

    /// <summary>Sets <c>agi_language</c>.</summary>
    public AgiEnvironmentBuilder Language(string language) => Replace("agi_language", language);

    /// <summary>Sets <c>agi_context</c>, <c>agi_extension</c> and <c>agi_priority</c>: where in the dialplan <c>AGI()</c> ran.</summary>
    public AgiEnvironmentBuilder DialplanLocation(string context, string extension, int priority)
    {
        Replace("agi_context", context);
        Replace("agi_extension", extension);
        return Replace("agi_priority", priority.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Sets <c>agi_dnid</c>, the number the caller dialed.</summary>
    public AgiEnvironmentBuilder Dnid(string dnid) => Replace("agi_dnid", dnid);

    /// <summary>Sets <c>agi_accountcode</c>.</summary>
    public AgiEnvironmentBuilder AccountCode(string accountCode) => Replace("agi_accountcode", accountCode);

    /// <summary>Sets any environment line: a standard <c>agi_*</c> name is changed in place, any other is added before the arguments.</summary>
    public AgiEnvironmentBuilder Set(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.AsSpan().IndexOfAny(":\n\r\0 ") >= 0)
        {
            throw new ArgumentException($"'{name}' cannot be an environment variable name: it holds a colon, space or control character.", nameof(name));
        }

        CheckValue(value);
        _removed.Remove(name);
        int index = _lines.FindIndex(line => line.Key == name);
        if (index >= 0)
        {
            _lines[index] = new(name, value);
        }
        else
        {
            _lines.Add(new(name, value));
        }

        return this;
    }

    /// <summary>Leaves the line <paramref name="name"/> out of the block, as a URL without a path leaves out <c>agi_network_script</c>.</summary>
    public AgiEnvironmentBuilder Remove(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        _removed.Add(name);
        return this;
    }

    /// <summary>The lines of the block in order, without the blank line that ends it.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Build()
    {
        var lines = new List<KeyValuePair<string, string>>(_lines.Count + _arguments.Count);
        foreach (KeyValuePair<string, string> line in _lines)
        {
            // launch_netscript() writes agi_network_script only when the URL has a non-empty path (01d).
            if (_removed.Contains(line.Key) || (line.Key == "agi_network_script" && line.Value.Length == 0))
            {
                continue;
            }

            lines.Add(line);
        }

        for (int i = 0; i < _arguments.Count; i++)
        {
            lines.Add(new(string.Create(CultureInfo.InvariantCulture, $"agi_arg_{i + 1}"), _arguments[i]));
        }

        return lines;
    }

    /// <summary>The block as Asterisk writes it: <c>name: value\n</c> per line, then <c>\n</c>.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        foreach ((string name, string value) in Build())
        {
            text.Append(name).Append(": ").Append(value).Append('\n');
        }

        return text.Append('\n').ToString();
    }

    /// <summary>The request a FastAgi script sees for this block.</summary>
    public AgiRequest ToRequest() => new(Build());

    private AgiEnvironmentBuilder Replace(string name, string value) => Set(name, value);

    private static void CheckValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny('\n', '\0') >= 0)
        {
            throw new ArgumentException("An environment value cannot hold LF or NUL: Asterisk's block cannot carry them.", nameof(value));
        }
    }
}
