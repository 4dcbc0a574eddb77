using System.Runtime.InteropServices;

namespace FastAgi.Server.Epoll;

internal static class Errors
{
    /// <summary>An exception for the failed system call <paramref name="call"/>, with the error number the last P/Invoke left.</summary>
    public static IOException LastError(string call)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);
    }
}
