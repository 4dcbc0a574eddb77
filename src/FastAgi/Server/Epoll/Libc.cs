using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastAgi.Server.Epoll;

/// <summary>The few Linux system calls the epoll transport makes, with the constants it needs.</summary>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const int EMFILE = 24;
    public const int ENFILE = 23;
    public const int ENOBUFS = 105;
    public const int ENOMEM = 12;

    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;
    public const uint EPOLLET = 1u << 31;

    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;
    public const int EPOLL_CLOEXEC = 0x80000;

    public const int AF_INET = 2;
    public const int AF_INET6 = 10;

    /// <summary>Room for any socket address (<c>struct sockaddr_storage</c>).</summary>
    public const int SockAddrSize = 128;

    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int IPPROTO_TCP = 6;
    public const int TCP_NODELAY = 1;
    public const int EFD_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;

    /// <summary>
    /// The size of <c>struct epoll_event</c>: packed (12 bytes) on x86 and x86-64, naturally aligned (16 bytes) elsewhere,
    /// with the 64-bit user data at offset 4 or 8.
    /// </summary>
    public static readonly int EpollEventSize =
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 12 : 16;

    public static readonly int EpollDataOffset = EpollEventSize == 12 ? 4 : 8;

    private static int _resolving;

    /// <summary>
    /// Points <c>libc</c> at glibc's <c>libc.so.6</c> when there is one: a bare <c>libc.so</c> is often a linker script that
    /// cannot be loaded. Elsewhere (musl) the default probing applies.
    /// </summary>
    public static void UseSystemLibrary()
    {
        if (Interlocked.Exchange(ref _resolving, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(
                typeof(Libc).Assembly,
                static (name, _, _) => name == Library && NativeLibrary.TryLoad("libc.so.6", out nint handle) ? handle : 0);
        }
    }

    [LibraryImport(Library, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport(Library, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, byte* @event);

    [LibraryImport(Library, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initval, int flags);

    [LibraryImport(Library, EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept4(int sockfd, nint addr, nint addrlen, int flags);

    [LibraryImport(Library, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport(Library, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint length);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint length);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    public const int SHUT_WR = 1;

    [LibraryImport(Library, EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int fd, int how);

    [LibraryImport(Library, EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSockName(int fd, byte* addr, uint* addrlen);

    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, byte* value, uint length);

    /// <summary>Adds, changes or removes <paramref name="fd"/> in <paramref name="epfd"/>'s interest list with <paramref name="fd"/> itself as the event's data.</summary>
    public static int EpollControl(int epfd, int op, int fd, uint events)
    {
        byte* ev = stackalloc byte[16];
        new Span<byte>(ev, 16).Clear();
        Unsafe.WriteUnaligned(ev, events);
        Unsafe.WriteUnaligned(ev + EpollDataOffset, (long)fd);
        return EpollCtl(epfd, op, fd, ev);
    }

    /// <summary>Reads a <c>struct sockaddr_in</c> or <c>sockaddr_in6</c>; <see langword="null"/> for any other family.</summary>
    public static IPEndPoint? ToEndPoint(ReadOnlySpan<byte> address)
    {
        if (address.Length < 8)
        {
            return null;
        }

        // sa_family in the host's order, the port in the network's.
        int family = Unsafe.ReadUnaligned<ushort>(ref MemoryMarshal.GetReference(address));
        int port = (address[2] << 8) | address[3];
        if (family == AF_INET)
        {
            return new IPEndPoint(new IPAddress(address.Slice(4, 4)), port);
        }

        if (family == AF_INET6 && address.Length >= 28)
        {
            uint scope = Unsafe.ReadUnaligned<uint>(ref MemoryMarshal.GetReference(address[24..]));
            return new IPEndPoint(new IPAddress(address.Slice(8, 16), scope), port);
        }

        return null;
    }

    /// <summary>The local address of the socket <paramref name="fd"/>, or <see langword="null"/> when the call fails.</summary>
    public static IPEndPoint? LocalEndPoint(int fd)
    {
        byte* address = stackalloc byte[SockAddrSize];
        uint length = SockAddrSize;
        return GetSockName(fd, address, &length) == 0 ? ToEndPoint(new ReadOnlySpan<byte>(address, (int)Math.Min(length, SockAddrSize))) : null;
    }
}
