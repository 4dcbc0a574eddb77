using FastAgi.Testing.Replay;

namespace FastAgi.Testing.Tests.Support;

/// <summary>The recordings of real Asterisk 22.10.1 copied into TestData/asterisk.</summary>
public static class Recordings
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "asterisk");

    public static AgiRecording Load(string scenario) => AgiRecording.Load(Path.Combine(Directory, scenario + ".json"));
}
