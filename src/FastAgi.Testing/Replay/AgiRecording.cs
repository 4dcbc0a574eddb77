using System.Text.Json;

namespace FastAgi.Testing.Replay;

/// <summary>
/// A FastAGI session recorded from a real Asterisk, in the JSON format of the project's recordings: <c>scenario</c>,
/// <c>title</c>, and <c>connections[]</c> with <c>role</c>, <c>script</c> and <c>events[]</c> (<c>t</c>, <c>kind</c>, <c>data</c>).
/// </summary>
/// <remarks>Replay one with <see cref="FakeAsterisk.FromRecording"/>.</remarks>
public sealed class AgiRecording
{
    private AgiRecording(string scenario, string title, IReadOnlyList<AgiRecordedConnection> connections)
    {
        Scenario = scenario;
        Title = title;
        Connections = connections;
    }

    /// <summary>The scenario name, such as <c>02c-database</c>.</summary>
    public string Scenario { get; }

    /// <summary>What the scenario records.</summary>
    public string Title { get; }

    /// <summary>Every recorded connection.</summary>
    public IReadOnlyList<AgiRecordedConnection> Connections { get; }

    /// <summary>The connections of the call under test (role <c>main</c>).</summary>
    public IReadOnlyList<AgiRecordedConnection> MainConnections => [.. Connections.Where(static c => c.Role == "main")];

    /// <summary>The one connection of the call under test.</summary>
    /// <exception cref="InvalidOperationException">The recording has no main connection, or several (use <see cref="MainConnections"/>).</exception>
    public AgiRecordedConnection Main => MainConnections switch
    {
        [var only] => only,
        [] => throw new InvalidOperationException($"The recording {Scenario} has no main connection."),
        var many => throw new InvalidOperationException($"The recording {Scenario} has {many.Count} main connections; pick one from MainConnections."),
    };

    /// <summary>Reads a recording from a file.</summary>
    public static AgiRecording Load(string path) => Parse(File.ReadAllBytes(path));

    /// <summary>Reads a recording from its JSON text.</summary>
    public static AgiRecording Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(System.Text.Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Reads a recording from its UTF-8 JSON bytes.</summary>
    /// <exception cref="FormatException">The JSON is not a recording.</exception>
    public static AgiRecording Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            JsonElement root = document.RootElement;
            string scenario = root.GetProperty("scenario").GetString() ?? string.Empty;
            var connections = new List<AgiRecordedConnection>();
            foreach (JsonElement connection in root.GetProperty("connections").EnumerateArray())
            {
                var events = new List<AgiRecordedEvent>();
                foreach (JsonElement e in connection.GetProperty("events").EnumerateArray())
                {
                    AgiRecordedEventKind kind = e.GetProperty("kind").GetString() switch
                    {
                        "A->S" => AgiRecordedEventKind.AsteriskToServer,
                        "S->A" => AgiRecordedEventKind.ServerToAsterisk,
                        "EOF" => AgiRecordedEventKind.EndOfStream,
                        _ => AgiRecordedEventKind.Note,
                    };
                    events.Add(new AgiRecordedEvent(e.GetProperty("t").GetDouble(), kind, e.GetProperty("data").GetString() ?? string.Empty));
                }

                connections.Add(new AgiRecordedConnection(
                    scenario,
                    connection.TryGetProperty("conn", out JsonElement number) ? number.GetInt32() : connections.Count + 1,
                    connection.GetProperty("role").GetString() ?? string.Empty,
                    connection.TryGetProperty("script", out JsonElement script) ? script.GetString() : null,
                    events));
            }

            return new AgiRecording(scenario, root.TryGetProperty("title", out JsonElement title) ? title.GetString() ?? string.Empty : string.Empty, connections);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"Not a FastAGI recording: {ex.Message}", ex);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Scenario}: {Title}";
}
