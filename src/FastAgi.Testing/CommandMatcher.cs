using FastAgi.Testing.Engine;

namespace FastAgi.Testing;

/// <summary>Decides whether a command line the script sent is the one an expectation names.</summary>
internal abstract class CommandMatcher
{
    /// <summary>How the expectation reads in messages.</summary>
    public abstract string Description { get; }

    /// <summary>Whether <paramref name="line"/> (as sent, without LF) with Asterisk's <paramref name="words"/> matches.</summary>
    public abstract bool Matches(byte[] line, IReadOnlyList<string> words);

    /// <summary>Matches when the expected words start the command's words: command words compared case-insensitively (as Asterisk does), arguments exactly.</summary>
    public static CommandMatcher Prefix(string pattern) => new WordsMatcher(pattern, AsteriskTokenizer.Split(pattern), wholeLine: false);

    /// <summary>Matches when Asterisk reads the same words from both lines, however each was quoted.</summary>
    public static CommandMatcher SameWords(string line) => new WordsMatcher(line, AsteriskTokenizer.Split(line), wholeLine: true);

    /// <summary>Matches the exact bytes of the line.</summary>
    public static CommandMatcher Exact(byte[] line, string description) => new ExactMatcher(line, description);

    private sealed class WordsMatcher(string pattern, IReadOnlyList<string> expected, bool wholeLine) : CommandMatcher
    {
        private readonly int _commandWords = AsteriskCommands.Find(expected)?.Words.Count ?? Math.Min(1, expected.Count);

        public override string Description { get; } = AsteriskTokenizer.Join(expected) is { Length: > 0 } joined ? joined : pattern;

        public override bool Matches(byte[] line, IReadOnlyList<string> words)
        {
            if (words.Count < expected.Count || (wholeLine && words.Count != expected.Count))
            {
                return false;
            }

            for (int i = 0; i < expected.Count; i++)
            {
                StringComparison comparison = i < _commandWords ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                if (!string.Equals(expected[i], words[i], comparison))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class ExactMatcher(byte[] expected, string description) : CommandMatcher
    {
        public override string Description { get; } = description;

        public override bool Matches(byte[] line, IReadOnlyList<string> words) => line.AsSpan().SequenceEqual(expected);
    }
}
