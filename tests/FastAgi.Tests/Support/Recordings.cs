using FastAgi.Testing.Replay;
using Xunit;

namespace FastAgi.Tests.Support;

/// <summary>The sessions recorded from real Asterisk 22.10.1 (TestData/asterisk/*.json, copied from the shared recordings), read by FastAgi.Testing.</summary>
public static class Recordings
{
    /// <summary>Where the recordings are.</summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "asterisk");

    /// <summary>Every scenario name, such as <c>01a-env-basic</c>.</summary>
    public static IEnumerable<string> All() =>
        System.IO.Directory.GetFiles(Directory, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    /// <summary>Every connection of every recording, as (scenario, connection index) theory rows.</summary>
    public static TheoryData<string, int> AllConnections
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (string scenario in All())
            {
                int count = Load(scenario).Connections.Count;
                for (int i = 0; i < count; i++)
                {
                    data.Add(scenario, i);
                }
            }

            return data;
        }
    }

    /// <summary>The recording of <paramref name="scenario"/>.</summary>
    public static AgiRecording Load(string scenario) => AgiRecording.Load(Path.Combine(Directory, scenario + ".json"));
}
