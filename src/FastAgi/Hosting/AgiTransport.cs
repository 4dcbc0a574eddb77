namespace FastAgi.Hosting;

/// <summary>How the server serves connections at the socket level.</summary>
public enum AgiTransport
{
    /// <summary><see cref="Epoll"/> on Linux, <see cref="Sockets"/> elsewhere.</summary>
    Auto,

    /// <summary>.NET's <see cref="System.Net.Sockets.Socket"/> through a stream and pipes: portable.</summary>
    Sockets,

    /// <summary>Linux only: event loop threads on <c>epoll</c> calling <c>recv</c> and <c>send</c> directly; less CPU and memory per call.</summary>
    Epoll,
}
