namespace FastAgi.Testing.Replay;

/// <summary>One recorded TCP connection: the call under test (<c>main</c>) or the helper leg that drove it (<c>peer</c>).</summary>
public sealed class AgiRecordedConnection
{
    internal AgiRecordedConnection(string scenario, int number, string role, string? script, IReadOnlyList<AgiRecordedEvent> events)
    {
        Scenario = scenario;
        Number = number;
        Role = role;
        Script = script;
        Events = events;
    }

    /// <summary>The scenario the connection belongs to.</summary>
    public string Scenario { get; }

    /// <summary>The recorder's connection number.</summary>
    public int Number { get; }

    /// <summary><c>main</c> for the call under test, <c>peer</c> for the other leg.</summary>
    public string Role { get; }

    /// <summary>The <c>agi_network_script</c> the connection asked for.</summary>
    public string? Script { get; }

    /// <summary>The events in order.</summary>
    public IReadOnlyList<AgiRecordedEvent> Events { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Scenario} #{Number} ({Role}, {Script})";
}
