namespace FastAgi.Testing.Engine;

/// <summary>An in-memory AstDB: the store behind <c>DATABASE PUT/GET/DEL/DELTREE</c>, keyed <c>/family/key</c> like Asterisk's.</summary>
public sealed class AsteriskDatabase
{
    private readonly SortedDictionary<string, string> _entries = new(StringComparer.Ordinal);

    /// <summary>Every entry, keyed by its full path <c>/family/key</c>.</summary>
    public IReadOnlyDictionary<string, string> Entries => _entries;

    /// <summary>Stores <paramref name="value"/> under <paramref name="family"/>/<paramref name="key"/>, as <c>ast_db_put()</c>.</summary>
    public void Put(string family, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _entries[Path(family, key)] = value;
    }

    /// <summary>Reads the value under <paramref name="family"/>/<paramref name="key"/>, as <c>ast_db_get()</c>.</summary>
    public bool TryGet(string family, string key, out string value)
    {
        bool found = _entries.TryGetValue(Path(family, key), out string? stored);
        value = stored ?? string.Empty;
        return found;
    }

    /// <summary>Deletes one entry, as <c>ast_db_del()</c>; returns whether it existed.</summary>
    public bool Delete(string family, string key) => _entries.Remove(Path(family, key));

    /// <summary>Deletes <c>/family</c> or <c>/family/keytree</c> and everything below it, as <c>ast_db_deltree()</c>; returns how many entries went.</summary>
    public int DeleteTree(string family, string? keyTree = null)
    {
        ArgumentNullException.ThrowIfNull(family);
        string prefix = string.IsNullOrEmpty(keyTree) ? "/" + family : Path(family, keyTree);
        string[] doomed = [.. _entries.Keys.Where(path => path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal))];
        foreach (string path in doomed)
        {
            _entries.Remove(path);
        }

        return doomed.Length;
    }

    private static string Path(string family, string key)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(key);
        return "/" + family + "/" + key;
    }
}
