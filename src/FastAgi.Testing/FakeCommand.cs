using FastAgi.Testing.Engine;

namespace FastAgi.Testing;

/// <summary>One command the script sent, as the fake Asterisk read it, with the reply it got.</summary>
public sealed class FakeCommand
{
    internal FakeCommand(int number, string line, IReadOnlyList<string> words)
    {
        Number = number;
        Line = line;
        Words = words;
        Command = AsteriskCommands.Find(words);
    }

    /// <summary>The command's position in the call, from 1.</summary>
    public int Number { get; }

    /// <summary>The line as the script sent it, without its LF (UTF-8 decoded).</summary>
    public string Line { get; }

    /// <summary>The words Asterisk reads from the line (quotes and escapes removed).</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>The Asterisk command the words name, or <see langword="null"/> for an unknown command.</summary>
    public AsteriskCommand? Command { get; }

    /// <summary>The command's name in upper case (<c>STREAM FILE</c>), or the first word for an unknown command.</summary>
    public string Name => Command?.Name ?? (Words.Count > 0 ? Words[0] : string.Empty);

    /// <summary>The words after the command's name: its arguments as Asterisk sees them.</summary>
    public IReadOnlyList<string> Arguments => [.. Words.Skip(Command?.Words.Count ?? Math.Min(1, Words.Count))];

    /// <summary>The reply the fake sent, lines joined (a <c>HANGUP</c> line that followed is not part of it); empty when there was none.</summary>
    public string Reply { get; internal set; } = string.Empty;

    /// <summary>Whether the channel hung up with this command (the caller during it, or the script's own HANGUP).</summary>
    public bool HungUp { get; internal set; }

    /// <summary>The expectation this command met, or <see langword="null"/> when it got a default reply.</summary>
    public AgiExpectation? Expectation { get; internal set; }

    /// <summary>The line as sent.</summary>
    public override string ToString() => Line;
}
