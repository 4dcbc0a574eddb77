namespace FastAgi.Testing.Engine;

/// <summary>What the fake knows of the dialplan: the targets GOSUB may call and the labels SET PRIORITY may name.</summary>
/// <remarks>
/// Until the first <see cref="AddExtension"/> or <see cref="AddLabel"/>, every target exists, so GOSUB always completes.
/// After it, only what was added exists, and Asterisk's <c>Gosub label not found</c> and 520 replies come back for the rest.
/// </remarks>
public sealed class AsteriskDialplan
{
    private readonly HashSet<string> _extensions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _labels = new(StringComparer.Ordinal);

    /// <summary>Whether every context, extension and label exists (the default, until something is added).</summary>
    public bool AcceptsAnyTarget { get; set; } = true;

    /// <summary>Declares extension <paramref name="extension"/> in <paramref name="context"/>, with any numeric priority.</summary>
    public AsteriskDialplan AddExtension(string context, string extension)
    {
        _extensions.Add(Key(context, extension));
        AcceptsAnyTarget = false;
        return this;
    }

    /// <summary>Declares label <paramref name="label"/> at <paramref name="priority"/> of <paramref name="context"/>,<paramref name="extension"/> (and the extension itself).</summary>
    public AsteriskDialplan AddLabel(string context, string extension, string label, int priority)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentOutOfRangeException.ThrowIfLessThan(priority, 1);
        AddExtension(context, extension);
        _labels[Key(context, extension) + "," + label] = priority;
        return this;
    }

    /// <summary>Whether <paramref name="context"/>,<paramref name="extension"/> exists.</summary>
    public bool HasExtension(string context, string extension) => AcceptsAnyTarget || _extensions.Contains(Key(context, extension));

    /// <summary>Resolves a priority number or label in <paramref name="context"/>,<paramref name="extension"/>; <paramref name="priority"/> is 0 for a label accepted only because <see cref="AcceptsAnyTarget"/> is set.</summary>
    public bool TryResolve(string context, string extension, string priorityOrLabel, out int priority)
    {
        ArgumentNullException.ThrowIfNull(priorityOrLabel);
        if (AsteriskNumbers.TryScanInt(priorityOrLabel, out priority))
        {
            return HasExtension(context, extension);
        }

        if (_labels.TryGetValue(Key(context, extension) + "," + priorityOrLabel, out priority))
        {
            return true;
        }

        priority = 0;
        return AcceptsAnyTarget;
    }

    private static string Key(string context, string extension)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(extension);
        return context + "," + extension;
    }
}
