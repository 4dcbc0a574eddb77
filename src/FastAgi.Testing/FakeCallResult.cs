using System.Globalization;
using System.Text;
using FastAgi.Testing.Engine;

namespace FastAgi.Testing;

/// <summary>What happened in a fake call: the commands the script sent and their replies, the variables it set, how the call ended, and the transcript.</summary>
public sealed class FakeCallResult
{
    internal FakeCallResult(
        FakeCallEnding ending,
        string? failure,
        IReadOnlyList<FakeCommand> commands,
        AsteriskEngine engine,
        string transcript,
        IReadOnlyList<AgiExpectation> unmetExpectations,
        Exception? scriptException)
    {
        Ending = ending;
        Failure = failure;
        Commands = commands;
        Channel = engine.Channel;
        HangupSource = engine.HangupSource;
        AgiStatus = engine.AgiStatus;
        Transcript = transcript;
        UnmetExpectations = unmetExpectations;
        ScriptException = scriptException;
        VariablesSet = CollectVariablesSet(commands);
    }

    /// <summary>How the call ended.</summary>
    public FakeCallEnding Ending { get; }

    /// <summary>Why the call failed as a test (with the conversation), or <see langword="null"/> when it went as expected.</summary>
    public string? Failure { get; }

    /// <summary>Whether the call went as expected.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>Every command the script sent, in order.</summary>
    public IReadOnlyList<FakeCommand> Commands { get; }

    /// <summary>The command lines the script sent, in order, as sent (without LF).</summary>
    public IReadOnlyList<string> CommandLines => [.. Commands.Select(static command => command.Line)];

    /// <summary>The variables the script set with SET VARIABLE (answered 200), last value per name, in the order first set.</summary>
    public IReadOnlyDictionary<string, string> VariablesSet { get; }

    /// <summary>The channel at the end of the call: all its variables, the AstDB, where the dialplan continues.</summary>
    public AsteriskChannel Channel { get; }

    /// <summary>Who hung up the channel, if anyone did.</summary>
    public AsteriskHangupSource HangupSource { get; }

    /// <summary>Whether the caller hung up.</summary>
    public bool CallerHungUp => HangupSource == AsteriskHangupSource.Caller;

    /// <summary>The <c>AGISTATUS</c> the dialplan sees after the call: <c>SUCCESS</c>, <c>HANGUP</c> or <c>FAILURE</c>.</summary>
    public string AgiStatus { get; }

    /// <summary>Where the dialplan continues when the AGI ends (<c>context,extension,priority</c>), after any SET CONTEXT, EXTENSION or PRIORITY.</summary>
    public string ContinuesAt => string.Create(CultureInfo.InvariantCulture, $"{Channel.Context},{Channel.Extension},{Channel.Priority + 1}");

    /// <summary>The conversation: <c>-&gt; command</c>, <c>&lt;- reply</c>, <c>** note</c>, one per line.</summary>
    public string Transcript { get; }

    /// <summary>The expectations no command met.</summary>
    public IReadOnlyList<AgiExpectation> UnmetExpectations { get; }

    /// <summary>What the script threw, other than the hangup exceptions a script may let escape (in-process calls only).</summary>
    public Exception? ScriptException { get; }

    /// <summary>Fails unless the script sent exactly these commands, each given as a word prefix (as <see cref="FakeAsterisk.Expect"/>), in order.</summary>
    /// <exception cref="FakeAsteriskAssertionException">The commands differ; the message shows both lists.</exception>
    public void AssertCommands(params string[] expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        int count = Math.Max(expected.Length, Commands.Count);
        int firstDifference = -1;
        for (int i = 0; i < count && firstDifference < 0; i++)
        {
            bool same = i < expected.Length && i < Commands.Count
                && CommandMatcher.Prefix(expected[i]).Matches(Encoding.UTF8.GetBytes(Commands[i].Line), Commands[i].Words);
            if (!same)
            {
                firstDifference = i;
            }
        }

        if (firstDifference < 0)
        {
            return;
        }

        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"The script's commands differ from the expected ones at command {firstDifference + 1}:").Append('\n');
        for (int i = 0; i < count; i++)
        {
            string marker = i == firstDifference ? ">" : " ";
            string want = i < expected.Length ? expected[i] : "(nothing)";
            string got = i < Commands.Count ? Commands[i].Line : "(nothing)";
            message.Append(CultureInfo.InvariantCulture, $"{marker} {i + 1,3}  expected: {want}").Append('\n');
            message.Append(CultureInfo.InvariantCulture, $"        actual:   {got}").Append('\n');
        }

        message.Append("Conversation:\n").Append(Transcript);
        throw new FakeAsteriskAssertionException(message.ToString());
    }

    /// <summary>The transcript.</summary>
    public override string ToString() => Transcript;

    private static Dictionary<string, string> CollectVariablesSet(IReadOnlyList<FakeCommand> commands)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (FakeCommand command in commands)
        {
            if (command.Command?.Name == "SET VARIABLE" && command.Words.Count == 4 && command.Reply.StartsWith("200", StringComparison.Ordinal))
            {
                variables[command.Words[2]] = command.Words[3];
            }
        }

        return variables;
    }
}
