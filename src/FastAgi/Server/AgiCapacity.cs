using System.Runtime.InteropServices;
using FastAgi.Server.Epoll;

namespace FastAgi.Server;

/// <summary>How many connections the process can hold: from its descriptor limit, minus what it has open and a reserve.</summary>
/// <remarks>
/// Every connection is a descriptor. Past the limit the runtime itself cannot open a file, a pipe or a thread, and the
/// process dies; so the server never takes more than the limit leaves, with a reserve for the runtime, logging, the
/// application's own files and sockets (a tenth of the limit, at least 64), and room to refuse a burst with BUSY.
/// </remarks>
internal readonly record struct AgiCapacity(int Calls, int Refusals, long DescriptorLimit)
{
    /// <summary>When the limit is unknown (or there is none): calls and refusals.</summary>
    private const int Unlimited = 100_000;

    /// <summary>The capacity for <paramref name="configuredCalls"/> (0: as many as the descriptors allow).</summary>
    public static AgiCapacity For(int configuredCalls)
    {
        long limit = DescriptorLimits.Soft();
        if (limit <= 0 || limit >= int.MaxValue)
        {
            int unlimited = configuredCalls > 0 ? configuredCalls : Unlimited;
            return new AgiCapacity(unlimited, Math.Clamp(unlimited / 16, 2, 256), -1);
        }

        long open = DescriptorLimits.Open();
        long reserve = Math.Max(64, limit / 10);
        long available = Math.Max(3, limit - open - reserve);
        int fits = (int)Math.Max(1, available - Math.Clamp(available / 16, 2, 256));
        int calls = configuredCalls > 0 ? Math.Min(configuredCalls, fits) : fits;
        return new AgiCapacity(calls, Math.Clamp(calls / 16, 2, 256), limit);
    }
}

/// <summary>The process's descriptor limit (<c>RLIMIT_NOFILE</c>) and how many it has open.</summary>
internal static unsafe partial class DescriptorLimits
{
    /// <summary>The soft limit (the .NET runtime raises it to the hard limit at start), or -1 when unknown or unlimited.</summary>
    public static long Soft()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return -1;
        }

        try
        {
            Libc.UseSystemLibrary();
            ulong* limit = stackalloc ulong[2];
            int resource = OperatingSystem.IsLinux() ? 7 : 8;
            if (GetRLimit(resource, limit) != 0 || limit[0] == ulong.MaxValue || limit[0] > long.MaxValue)
            {
                return -1;
            }

            return (long)limit[0];
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return -1;
        }
    }

    /// <summary>How many descriptors the process has open, or a guess of 64 where it cannot be counted.</summary>
    public static long Open()
    {
        try
        {
            string directory = OperatingSystem.IsLinux() ? "/proc/self/fd" : "/dev/fd";
            return Directory.Exists(directory) ? Directory.EnumerateFileSystemEntries(directory).LongCount() : 64;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 64;
        }
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, ulong* limit);
}
