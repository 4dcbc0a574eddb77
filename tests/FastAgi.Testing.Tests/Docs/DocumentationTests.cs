namespace FastAgi.Testing.Tests.Docs;

public sealed class DocumentationTests
{
    [Fact]
    public void The_testing_guide_shows_the_example_that_is_tested_here()
    {
        string root = RepositoryRoot();
        string guide = File.ReadAllText(Path.Combine(root, "docs", "testing.md")).ReplaceLineEndings("\n");
        string example = File.ReadAllText(Path.Combine(root, "tests", "FastAgi.Testing.Tests", "Docs", "MenuExampleTests.cs")).ReplaceLineEndings("\n");
        Assert.Contains("```csharp\n" + example + "```", guide, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FastAgi.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("FastAgi.slnx not found above " + AppContext.BaseDirectory);
    }
}
