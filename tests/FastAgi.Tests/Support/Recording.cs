using System.Text;
using System.Text.Json;

namespace FastAgi.Tests.Support;

/// <summary>A session recorded from real Asterisk 22.10.1 (TestData/asterisk/*.json, copied from the shared recordings).</summary>
public sealed record Recording(string Scenario, string Title, IReadOnlyList<RecordedConnection> Connections)
{
    private static readonly Encoding Latin1 = Encoding.Latin1;

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "asterisk");

    /// <summary>Every scenario name, such as <c>01a-env-basic</c>.</summary>
    public static IEnumerable<string> All() =>
        System.IO.Directory.GetFiles(Directory, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static Recording Load(string scenario)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Directory, scenario + ".json")));
        JsonElement root = document.RootElement;
        var connections = new List<RecordedConnection>();
        foreach (JsonElement connection in root.GetProperty("connections").EnumerateArray())
        {
            var events = new List<RecordedEvent>();
            foreach (JsonElement e in connection.GetProperty("events").EnumerateArray())
            {
                string kind = e.GetProperty("kind").GetString()!;
                string data = e.GetProperty("data").GetString() ?? string.Empty;

                // The JSON holds the recorded bytes as latin-1 decoded text: encoding back gives the exact bytes.
                byte[] bytes = kind is "A->S" or "S->A" ? Latin1.GetBytes(data) : [];
                events.Add(new RecordedEvent(e.GetProperty("t").GetDouble(), kind, data, bytes));
            }

            connections.Add(new RecordedConnection(
                connection.GetProperty("role").GetString()!,
                connection.TryGetProperty("script", out JsonElement script) ? script.GetString() : null,
                events));
        }

        return new Recording(root.GetProperty("scenario").GetString()!, root.GetProperty("title").GetString()!, connections);
    }

    /// <summary>The connections of the call under test (role <c>main</c>).</summary>
    public IEnumerable<RecordedConnection> Main => Connections.Where(c => c.Role == "main");
}

/// <summary>One TCP connection of a recording.</summary>
public sealed record RecordedConnection(string Role, string? Script, IReadOnlyList<RecordedEvent> Events)
{
    /// <summary>The environment block Asterisk sent: every A->S byte up to and including the blank line.</summary>
    public byte[] EnvironmentBlock()
    {
        var bytes = new List<byte>();
        foreach (RecordedEvent e in Events.Where(e => e.Kind == "A->S"))
        {
            bytes.AddRange(e.Bytes);
            if (e.Bytes is [(byte)'\n'])
            {
                return [.. bytes];
            }
        }

        throw new InvalidOperationException("The recording has no complete environment block.");
    }

    /// <summary>Every byte Asterisk wrote after the environment block, in order.</summary>
    public byte[] AsteriskBytesAfterEnvironment()
    {
        bool inEnvironment = true;
        var bytes = new List<byte>();
        foreach (RecordedEvent e in Events.Where(e => e.Kind == "A->S"))
        {
            if (inEnvironment)
            {
                inEnvironment = e.Bytes is not [(byte)'\n'];
                continue;
            }

            bytes.AddRange(e.Bytes);
        }

        return [.. bytes];
    }
}

/// <summary>One event: <c>A->S</c> (Asterisk wrote), <c>S->A</c> (the server wrote), <c>NOTE</c> or <c>EOF</c>.</summary>
public sealed record RecordedEvent(double Time, string Kind, string Data, byte[] Bytes);
