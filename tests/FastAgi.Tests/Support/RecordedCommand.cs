using System.Buffers;
using System.Text;
using FastAgi.Protocol;

namespace FastAgi.Tests.Support;

/// <summary>
/// The <c>(command, arguments)</c> a script passes to <c>SendCommandAsync</c> to make the server write a recorded S->A line,
/// derived by splitting the line the way Asterisk does (<c>parse_args()</c> in res_agi.c).
/// </summary>
/// <remarks>
/// Only lines in our canonical form round-trip: an argument quoted only when it is empty or holds space, tab, '"' or '\',
/// single spaces between words, no CR. <see cref="TryParse"/> refuses every other line, so a replay never pretends that the
/// server can write bytes it cannot.
/// </remarks>
public sealed record RecordedCommand(string Command, IReadOnlyList<string> Arguments)
{
    // The commands of res_agi.c 22.10.1 (plus GOSUB from app_stack.c) with more than one word: find_command() matches
    // leading words case-insensitively, and the rest of the line is arguments.
    private static readonly string[][] MultiWordCommands =
    [
        .. new[]
        {
            "ASYNCAGI BREAK", "CHANNEL STATUS", "CONTROL STREAM FILE", "DATABASE DEL", "DATABASE DELTREE", "DATABASE GET",
            "DATABASE PUT", "GET DATA", "GET FULL VARIABLE", "GET OPTION", "GET VARIABLE", "RECEIVE CHAR", "RECEIVE TEXT",
            "RECORD FILE", "SAY ALPHA", "SAY DATE", "SAY DATETIME", "SAY DIGITS", "SAY NUMBER", "SAY PHONETIC", "SAY TIME",
            "SEND IMAGE", "SEND TEXT", "SET AUTOHANGUP", "SET CALLERID", "SET CONTEXT", "SET EXTENSION", "SET MUSIC",
            "SET PRIORITY", "SET VARIABLE", "SPEECH ACTIVATE GRAMMAR", "SPEECH CREATE", "SPEECH DEACTIVATE GRAMMAR",
            "SPEECH DESTROY", "SPEECH LOAD GRAMMAR", "SPEECH RECOGNIZE", "SPEECH SET", "SPEECH UNLOAD GRAMMAR",
            "STREAM FILE", "TDD MODE", "WAIT FOR DIGIT",
        }.Select(c => c.Split(' ')).OrderByDescending(words => words.Length),
    ];

    /// <summary>The exact bytes our writer produces for this command, LF included.</summary>
    public byte[] ToBytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        AgiCommandWriter.Write(buffer, Command, [.. Arguments]);
        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc/>
    public override string ToString() => FakeAsteriskClient.Escape(ToBytes());

    /// <summary>Derives the command for a recorded line, LF included; <see langword="false"/> when our writer cannot produce exactly these bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out RecordedCommand? command)
    {
        command = null;
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(line);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        if (!text.EndsWith('\n'))
        {
            return false;
        }

        List<string> words = Tokenize(text[..^1]);
        if (words.Count == 0)
        {
            return false;
        }

        int commandWords = 1;
        foreach (string[] known in MultiWordCommands)
        {
            if (known.Length <= words.Count && known.Select((word, i) => string.Equals(word, words[i], StringComparison.OrdinalIgnoreCase)).All(match => match))
            {
                commandWords = known.Length;
                break;
            }
        }

        var candidate = new RecordedCommand(string.Join(' ', words.Take(commandWords)), [.. words.Skip(commandWords)]);
        try
        {
            if (candidate.ToBytes().AsSpan().SequenceEqual(line))
            {
                command = candidate;
                return true;
            }
        }
        catch (ArgumentException)
        {
            // The writer refuses it (CR, a command starting with "failure", a non-word command): not replayable.
        }

        return false;
    }

    /// <summary>Splits a command line into words as <c>parse_args()</c> in res_agi.c does.</summary>
    /// <remarks>
    /// Space and tab separate words outside quotes; '"' toggles quoting and, after whitespace, starts a word (so <c>""</c>
    /// is an empty word); '\' makes the next character literal and is dropped.
    /// </remarks>
    public static List<string> Tokenize(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        bool quoted = false, escaped = false, whitespace = true;
        foreach (char c in line)
        {
            if (c == '"' && !escaped)
            {
                quoted = !quoted;
                if (quoted && whitespace)
                {
                    StartWord();
                }

                continue;
            }

            if ((c == ' ' || c == '\t') && !quoted && !escaped)
            {
                whitespace = true;
                continue;
            }

            if (c == '\\' && !escaped)
            {
                escaped = true;
                continue;
            }

            if (whitespace)
            {
                StartWord();
            }

            current.Append(c);
            escaped = false;
        }

        EndWord();
        return words;

        void StartWord()
        {
            EndWord();
            words.Add(string.Empty);
            whitespace = false;
        }

        void EndWord()
        {
            if (words.Count > 0)
            {
                words[^1] = current.ToString();
            }

            current.Clear();
        }
    }
}
