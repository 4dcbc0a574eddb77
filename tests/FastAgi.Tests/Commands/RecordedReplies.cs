using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Xunit;

namespace FastAgi.Tests.Commands;

/// <summary>
/// Checks that a reply a test feeds to a command is one real Asterisk 22.10.1 sent: every line of it must appear among
/// the lines Asterisk wrote on the main connection of the named recording (TestData/asterisk/*.json).
/// </summary>
/// <remarks>Replies no recording holds (speech with an engine, a write error of the silence detector) are marked <see cref="FromSource"/> and cite the res_agi.c format instead.</remarks>
public static class RecordedReplies
{
    /// <summary>The source tag for a reply built from a <c>ast_agi_send()</c> format string in res_agi.c rather than recorded.</summary>
    public const string FromSource = "res_agi.c";

    private static readonly ConcurrentDictionary<string, HashSet<string>> Lines = new(StringComparer.Ordinal);

    /// <summary>Fails unless every line of <paramref name="asterisk"/> was written by Asterisk in the recording whose name starts with <paramref name="scenario"/> (such as <c>02g</c>).</summary>
    public static void AssertRecorded(string scenario, string asterisk)
    {
        if (scenario == FromSource)
        {
            return;
        }

        HashSet<string> recorded = Lines.GetOrAdd(scenario, Load);
        foreach (string line in asterisk.Split('\n'))
        {
            if (line.Length > 0)
            {
                Assert.True(recorded.Contains(line), $"'{line}' is not a line Asterisk wrote in recording {scenario}.");
            }
        }
    }

    private static HashSet<string> Load(string scenario)
    {
        string directory = Path.Combine(AppContext.BaseDirectory, "TestData", "asterisk");
        string[] files = Directory.GetFiles(directory, scenario + "*.json");
        Assert.True(files.Length == 1, $"Expected one recording named {scenario}*.json in {directory}, found {files.Length}.");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(files[0]));
        var lines = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonElement connection in document.RootElement.GetProperty("connections").EnumerateArray())
        {
            if (connection.GetProperty("role").GetString() != "main")
            {
                continue;
            }

            var written = new StringBuilder();
            foreach (JsonElement e in connection.GetProperty("events").EnumerateArray())
            {
                if (e.GetProperty("kind").GetString() == "A->S")
                {
                    written.Append(e.GetProperty("data").GetString());
                }
            }

            // The recording holds the bytes as latin-1 text; the commands under test read UTF-8.
            string text = Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(written.ToString()));
            foreach (string line in text.Split('\n'))
            {
                lines.Add(line);
            }
        }

        return lines;
    }
}
