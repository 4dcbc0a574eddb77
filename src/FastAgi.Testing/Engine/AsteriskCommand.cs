namespace FastAgi.Testing.Engine;

/// <summary>One AGI command as Asterisk 22 registers it: its words, whether it runs on a dead channel, and its 520 usage text.</summary>
public sealed class AsteriskCommand
{
    internal AsteriskCommand(string name, bool runsOnDeadChannel, string syntax, string usage)
    {
        Name = name;
        Words = name.Split(' ');
        RunsOnDeadChannel = runsOnDeadChannel;
        Syntax = syntax;
        Usage = usage;
    }

    /// <summary>The command words in upper case, such as <c>STREAM FILE</c>.</summary>
    public string Name { get; }

    /// <summary>The command words, such as <c>STREAM</c> and <c>FILE</c>.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>Whether the command still runs after the channel hung up (<c>agi_command.dead</c>); the others get <c>511</c>.</summary>
    public bool RunsOnDeadChannel { get; }

    /// <summary>The command's syntax, as documented in PROTOCOL-NOTES §6 (for messages).</summary>
    public string Syntax { get; }

    /// <summary>The usage text Asterisk sends between <c>520-Invalid command syntax.  Proper usage follows:</c> and <c>520 End of proper usage.</c>, raw XML markup included, ending with LF.</summary>
    public string Usage { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
