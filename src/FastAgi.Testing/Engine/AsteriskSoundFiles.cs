namespace FastAgi.Testing.Engine;

/// <summary>The sound files the fake channel can play, with their lengths in samples at 8 kHz (the <c>endpos</c> of a complete playback).</summary>
/// <remarks>By default every file exists and lasts <see cref="DefaultLength"/> samples; name files that must be missing with <see cref="MarkMissing"/>.</remarks>
public sealed class AsteriskSoundFiles
{
    private readonly Dictionary<string, long> _lengths = new(StringComparer.Ordinal);
    private readonly HashSet<string> _missing = new(StringComparer.Ordinal);

    /// <summary>The length of files not given one with <see cref="Add"/>: 8000 samples, one second.</summary>
    public long DefaultLength { get; set; } = 8000;

    /// <summary>When <see langword="true"/>, only files given with <see cref="Add"/> exist; playing any other gives Asterisk's missing-file reply.</summary>
    public bool OnlyAddedFilesExist { get; set; }

    /// <summary>Declares <paramref name="name"/> with a length of <paramref name="samples"/> samples.</summary>
    public AsteriskSoundFiles Add(string name, long samples)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        _lengths[name] = samples;
        _missing.Remove(name);
        return this;
    }

    /// <summary>Makes <paramref name="name"/> missing: STREAM FILE answers <c>200 result=-1 endpos=0</c>, and so on.</summary>
    public AsteriskSoundFiles MarkMissing(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        _missing.Add(name);
        _lengths.Remove(name);
        return this;
    }

    /// <summary>Gets the length of <paramref name="name"/> in samples; <see langword="false"/> when the file does not exist.</summary>
    public bool TryGetLength(string name, out long samples)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_missing.Contains(name))
        {
            samples = 0;
            return false;
        }

        if (_lengths.TryGetValue(name, out samples))
        {
            return true;
        }

        samples = DefaultLength;
        return !OnlyAddedFilesExist;
    }
}
