namespace FastAgi.Cli.Tests;

/// <summary>A fact that needs a real Prometheus (Debian's <c>prometheus</c> package, which CI installs); skipped with the reason where it is missing.</summary>
public sealed class PrometheusFactAttribute : FactAttribute
{
    /// <summary>Where the test looks for the Prometheus binary.</summary>
    public static string? Binary { get; } = Find();

    /// <summary>Skips the test unless a Prometheus binary is on the PATH.</summary>
    public PrometheusFactAttribute()
    {
        if (Binary is null)
        {
            Skip = "Needs Prometheus: apt-get install prometheus (.ci/run installs it).";
        }
    }

    private static string? Find()
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, "prometheus");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
