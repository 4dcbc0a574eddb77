namespace FastAgi.Cli.Tests;

/// <summary>A fact that needs Linux (ulimit, /proc); skipped elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    /// <summary>Skips the test unless the system is Linux.</summary>
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Needs Linux: ulimit and /proc.";
        }
    }
}
