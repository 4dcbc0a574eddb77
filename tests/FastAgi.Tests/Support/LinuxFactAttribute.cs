using Xunit;

namespace FastAgi.Tests.Support;

/// <summary>A fact that runs on Linux only (the epoll transport's tests); skipped elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    /// <summary>Skips the test unless the system is Linux.</summary>
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "The epoll transport is Linux only.";
        }
    }
}

/// <summary>A theory that runs on Linux only (the epoll transport's tests); skipped elsewhere.</summary>
public sealed class LinuxTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips the test unless the system is Linux.</summary>
    public LinuxTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "The epoll transport is Linux only.";
        }
    }
}
