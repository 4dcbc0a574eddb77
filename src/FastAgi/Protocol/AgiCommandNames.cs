using System.Collections.Frozen;

namespace FastAgi.Protocol;

/// <summary>The AGI commands of Asterisk 22 (res_agi.c's command table), for naming a command in metrics and traces with bounded cardinality.</summary>
public static class AgiCommandNames
{
    /// <summary>The name used for a command that is not one of Asterisk's.</summary>
    public const string Other = "OTHER";

    /// <summary>Every AGI command Asterisk 22 knows, in upper case.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "ANSWER", "ASYNCAGI BREAK", "CHANNEL STATUS", "CONTROL STREAM FILE", "DATABASE DEL", "DATABASE DELTREE", "DATABASE GET",
        "DATABASE PUT", "EXEC", "GET DATA", "GET FULL VARIABLE", "GET OPTION", "GET VARIABLE", "GOSUB", "HANGUP", "NOOP",
        "RECEIVE CHAR", "RECEIVE TEXT", "RECORD FILE", "SAY ALPHA", "SAY DATE", "SAY DATETIME", "SAY DIGITS", "SAY NUMBER",
        "SAY PHONETIC", "SAY TIME", "SEND IMAGE", "SEND TEXT", "SET AUTOHANGUP", "SET CALLERID", "SET CONTEXT", "SET EXTENSION",
        "SET MUSIC", "SET PRIORITY", "SET VARIABLE", "SPEECH ACTIVATE GRAMMAR", "SPEECH CREATE", "SPEECH DEACTIVATE GRAMMAR",
        "SPEECH DESTROY", "SPEECH LOAD GRAMMAR", "SPEECH RECOGNIZE", "SPEECH SET", "SPEECH UNLOAD GRAMMAR", "STREAM FILE",
        "TDD MODE", "VERBOSE", "WAIT FOR DIGIT",
    ];

    private static readonly FrozenDictionary<string, string> Canonical = All.ToFrozenDictionary(static name => name, StringComparer.OrdinalIgnoreCase);

    // The commands whose replies carry what the caller keyed (a digit's code in result=, or the digits themselves).
    private static readonly FrozenSet<string> CallerInput = new[]
    {
        "CONTROL STREAM FILE", "GET DATA", "GET OPTION", "RECEIVE CHAR", "RECORD FILE", "SAY ALPHA", "SAY DATE", "SAY DATETIME",
        "SAY DIGITS", "SAY NUMBER", "SAY PHONETIC", "SAY TIME", "SPEECH RECOGNIZE", "STREAM FILE", "WAIT FOR DIGIT",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// The name of <paramref name="command"/> as Asterisk's table spells it (<c>stream file</c> gives <c>STREAM FILE</c>), or
    /// <see cref="Other"/>. Words after the command's own (<c>EXEC Dial</c>) are ignored.
    /// </summary>
    public static string Normalize(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Canonical.TryGetValue(command, out string? name))
        {
            return name;
        }

        // Longest first: "SPEECH ACTIVATE GRAMMAR x", then "SET VARIABLE x", then "EXEC Dial".
        ReadOnlySpan<char> text = command.AsSpan().Trim();
        FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup = Canonical.GetAlternateLookup<ReadOnlySpan<char>>();
        for (int words = 3; words >= 1; words--)
        {
            int end = EndOfWords(text, words);
            if (end > 0 && end < text.Length && lookup.TryGetValue(text[..end], out name))
            {
                return name;
            }
        }

        return lookup.TryGetValue(text, out name) ? name : Other;
    }

    /// <summary>Whether the reply to <paramref name="normalizedCommand"/> (a name from <see cref="Normalize"/>) can carry what the caller keyed: such replies are redacted in logs and traces.</summary>
    public static bool CarriesCallerInput(string normalizedCommand) => CallerInput.Contains(normalizedCommand);

    private static int EndOfWords(ReadOnlySpan<char> text, int words)
    {
        int position = 0;
        for (int i = 0; i < words; i++)
        {
            int space = text[position..].IndexOf(' ');
            if (space < 0)
            {
                return i == words - 1 ? text.Length : -1;
            }

            position += space + (i == words - 1 ? 0 : 1);
        }

        return position;
    }
}
