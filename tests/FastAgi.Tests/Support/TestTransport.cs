using FastAgi.Hosting;
using Xunit;

namespace FastAgi.Tests.Support;

/// <summary>The ways the server can serve connections, for tests that run against each.</summary>
public enum TestTransport
{
    /// <summary>Whatever <c>FASTAGI_TEST_TRANSPORT</c> names (<c>sockets</c>, <c>epoll</c>, <c>epoll-inline</c>), else the server's default.</summary>
    Default,

    /// <summary>.NET sockets through a stream and pipes.</summary>
    Sockets,

    /// <summary>The epoll transport, scripts on the thread pool.</summary>
    Epoll,

    /// <summary>The epoll transport, scripts on its event loop threads.</summary>
    EpollInline,
}

/// <summary>Applies a <see cref="TestTransport"/> to the server's options.</summary>
public static class TestTransports
{
    /// <summary>Every transport this system has.</summary>
    public static IReadOnlyList<TestTransport> Each { get; } = OperatingSystem.IsLinux()
        ? [TestTransport.Sockets, TestTransport.Epoll, TestTransport.EpollInline]
        : [TestTransport.Sockets];

    /// <summary>Every transport this system has, as theory data.</summary>
    public static TheoryData<TestTransport> All => new(Each);

    /// <summary>Sets <see cref="AgiServerOptions.Transport"/> and <see cref="AgiServerOptions.RunScriptsOnEventLoops"/> for <paramref name="transport"/>.</summary>
    public static void Apply(this TestTransport transport, AgiServerOptions options)
    {
        if (transport == TestTransport.Default)
        {
            transport = Environment.GetEnvironmentVariable("FASTAGI_TEST_TRANSPORT")?.ToLowerInvariant() switch
            {
                "sockets" => TestTransport.Sockets,
                "epoll" => TestTransport.Epoll,
                "epoll-inline" => TestTransport.EpollInline,
                null or "" => TestTransport.Default,
                string other => throw new InvalidOperationException($"FASTAGI_TEST_TRANSPORT={other}: use sockets, epoll or epoll-inline."),
            };
        }

        switch (transport)
        {
            case TestTransport.Sockets:
                options.Transport = AgiTransport.Sockets;
                break;
            case TestTransport.Epoll:
                options.Transport = AgiTransport.Epoll;
                options.RunScriptsOnEventLoops = false;
                break;
            case TestTransport.EpollInline:
                options.Transport = AgiTransport.Epoll;
                options.RunScriptsOnEventLoops = true;
                break;
        }
    }
}
