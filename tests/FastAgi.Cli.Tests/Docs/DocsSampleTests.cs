namespace FastAgi.Cli.Tests.Docs;

/// <summary>
/// Every C# block of README.md, docs/*.md and the packages' READMEs (src/*/README.md) is code that compiles: each one stands, as written, in a source file of the
/// samples or of a test project's Docs folder, which the build compiles (its usings in that file, the rest line for line,
/// indentation aside, each paragraph in one run and the paragraphs in order).
/// </summary>
public sealed class DocsSampleTests
{
    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (string document in Documents())
        {
            for (int i = 0; i < CSharpBlocks(document).Count; i++)
            {
                data.Add(Path.GetRelativePath(Root, document), i + 1);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void The_code_sample_compiles_in_a_source_file(string document, int block)
    {
        IReadOnlyList<IReadOnlyList<string>> paragraphs = CSharpBlocks(Path.Combine(Root, document))[block - 1];
        string[] usings = [.. paragraphs.SelectMany(static p => p).Where(IsUsing)];
        string[][] code = [.. paragraphs.Select(static p => p.Where(static line => !IsUsing(line)).ToArray()).Where(static p => p.Length > 0)];

        string[] matching = [.. Sources().Where(source => Contains(source.Lines, usings, code)).Select(source => Path.GetRelativePath(Root, source.Path))];

        Assert.True(matching.Length > 0, $"C# block {block} of {document} (\"{paragraphs[0][0]}\") is in no source file of samples/ or tests/*/Docs/: put it there as written, so that the build compiles it.");
    }

    [Fact]
    public void The_documents_have_code_samples_to_check()
    {
        Assert.True(Blocks().Count >= 10, $"found only {Blocks().Count} C# blocks under {Root}");
    }

    private static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "FastAgi.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("FastAgi.slnx not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<string> Documents()
        => [
            Path.Combine(Root, "README.md"),
            .. Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal),
            .. Directory.EnumerateFiles(Path.Combine(Root, "src"), "README.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal),
        ];

    /// <summary>Each <c>```csharp</c> block as its paragraphs (runs of lines between blank lines), each line trimmed.</summary>
    private static List<IReadOnlyList<IReadOnlyList<string>>> CSharpBlocks(string document)
    {
        var blocks = new List<IReadOnlyList<IReadOnlyList<string>>>();
        List<IReadOnlyList<string>>? current = null;
        List<string> paragraph = [];
        foreach (string line in File.ReadLines(document))
        {
            if (current is null)
            {
                if (line.TrimEnd() == "```csharp")
                {
                    current = [];
                }
            }
            else if (line.TrimEnd() == "```" || line.Trim().Length == 0)
            {
                if (paragraph.Count > 0)
                {
                    current.Add(paragraph);
                    paragraph = [];
                }

                if (line.TrimEnd() == "```")
                {
                    blocks.Add(current);
                    current = null;
                }
            }
            else
            {
                paragraph.Add(line.Trim());
            }
        }

        return blocks;
    }

    private static IEnumerable<(string Path, string[] Lines)> Sources()
    {
        IEnumerable<string> samples = Directory.EnumerateFiles(Path.Combine(Root, "samples"), "*.cs", SearchOption.AllDirectories);
        IEnumerable<string> docs = Directory.EnumerateDirectories(Path.Combine(Root, "tests"))
            .Select(static project => Path.Combine(project, "Docs"))
            .Where(Directory.Exists)
            .SelectMany(static folder => Directory.EnumerateFiles(folder, "*.cs"));
        foreach (string path in samples.Concat(docs).Where(static p => !p.Contains("/obj/", StringComparison.Ordinal) && !p.Contains("/bin/", StringComparison.Ordinal)))
        {
            yield return (path, [.. File.ReadLines(path).Select(static line => line.Trim()).Where(static line => line.Length > 0)]);
        }
    }

    private static bool IsUsing(string line) => line.StartsWith("using ", StringComparison.Ordinal) && line.EndsWith(';') && !line.Contains('=', StringComparison.Ordinal);

    private static bool Contains(string[] source, string[] usings, string[][] paragraphs)
    {
        if (!usings.All(source.Contains))
        {
            return false;
        }

        int from = 0;
        foreach (string[] paragraph in paragraphs)
        {
            int found = -1;
            for (int start = from; start + paragraph.Length <= source.Length && found < 0; start++)
            {
                if (source.AsSpan(start, paragraph.Length).SequenceEqual(paragraph))
                {
                    found = start;
                }
            }

            if (found < 0)
            {
                return false;
            }

            from = found + paragraph.Length;
        }

        return true;
    }
}
