namespace FastAgi.Protocol;

/// <summary>Upper bounds on what the parsers accept from a peer, so that hostile input cannot make them allocate without bound.</summary>
/// <remarks>The defaults are generous for real Asterisk: its environment block is ~1 KB with 127 arguments of a few bytes each.</remarks>
public sealed record AgiProtocolLimits
{
    /// <summary>The defaults: 16 KiB per environment line, 256 KiB and 512 lines per block, 1 MiB per reply.</summary>
    public static AgiProtocolLimits Default { get; } = new();

    /// <summary>The longest <c>name: value</c> line accepted in the environment block, in bytes, without its LF.</summary>
    public int MaxEnvironmentLineLength { get; init; } = 16 * 1024;

    /// <summary>The largest environment block accepted, in bytes.</summary>
    public int MaxEnvironmentSize { get; init; } = 256 * 1024;

    /// <summary>The most lines accepted in the environment block (Asterisk sends about 24 plus one per AGI argument, at most 127).</summary>
    public int MaxEnvironmentLines { get; init; } = 512;

    /// <summary>The longest reply accepted, in bytes, including every line of a multi-line <c>520</c> reply.</summary>
    /// <remarks>GET FULL VARIABLE has no length limit in Asterisk; raise this if scripts read values larger than 1 MiB.</remarks>
    public int MaxReplyLength { get; init; } = 1024 * 1024;
}
