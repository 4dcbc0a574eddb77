using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace FastAgi.Protocol;

/// <summary>Reads the <c>agi_*</c> environment block that opens every FastAGI connection, line by line, as the bytes arrive.</summary>
/// <remarks>
/// One instance per connection. <see cref="TryParse"/> consumes every complete line it is given and keeps the parsed pairs,
/// so a block split across any number of reads parses the same as one delivered whole.
/// </remarks>
public sealed class AgiRequestParser
{
    private static readonly string[] KnownNames =
    [
        "agi_network", "agi_network_script", "agi_request", "agi_channel", "agi_language", "agi_type", "agi_uniqueid",
        "agi_version", "agi_callerid", "agi_calleridname", "agi_callingpres", "agi_callingani2", "agi_callington",
        "agi_callingtns", "agi_dnid", "agi_rdnis", "agi_context", "agi_extension", "agi_priority", "agi_enhanced",
        "agi_accountcode", "agi_threadid",
    ];

    private static readonly byte[][] KnownNameBytes = [.. KnownNames.Select(Encoding.ASCII.GetBytes)];

    private readonly AgiProtocolLimits _limits;
    private readonly List<KeyValuePair<string, string>> _variables = new(32);
    private long _size;

    /// <summary>Creates a parser that enforces <paramref name="limits"/> (or <see cref="AgiProtocolLimits.Default"/>).</summary>
    public AgiRequestParser(AgiProtocolLimits? limits = null) => _limits = limits ?? AgiProtocolLimits.Default;

    /// <summary>
    /// Consumes the complete lines in <paramref name="reader"/>; returns <see langword="true"/> with the request once the blank line that ends the block is read.
    /// </summary>
    /// <exception cref="AgiProtocolException">A line or the block exceeds the limits, a line is not <c>name: value</c>, or a NUL byte was sent.</exception>
    public bool TryParse(ref SequenceReader<byte> reader, [NotNullWhen(true)] out AgiRequest? request)
    {
        // setup_env() in res_agi.c writes each variable as "%s: %s\n" and ends the block with a lone "\n".
        while (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            _size += line.Length + 1;
            if (line.Length > _limits.MaxEnvironmentLineLength)
            {
                AgiProtocolException.Throw(AgiProtocolError.EnvironmentLineTooLong, $"An environment line is {line.Length} bytes long; the limit is {_limits.MaxEnvironmentLineLength}.");
            }

            if (_size > _limits.MaxEnvironmentSize)
            {
                AgiProtocolException.Throw(AgiProtocolError.EnvironmentTooLarge, $"The environment block exceeds {_limits.MaxEnvironmentSize} bytes.");
            }

            if (line.IsEmpty)
            {
                request = new AgiRequest(_variables);
                return true;
            }

            if (_variables.Count >= _limits.MaxEnvironmentLines)
            {
                AgiProtocolException.Throw(AgiProtocolError.TooManyEnvironmentLines, $"The environment block has more than {_limits.MaxEnvironmentLines} lines.");
            }

            AddLine(line);
        }

        long pending = reader.Remaining;
        if (pending > _limits.MaxEnvironmentLineLength)
        {
            AgiProtocolException.Throw(AgiProtocolError.EnvironmentLineTooLong, $"An environment line exceeds {_limits.MaxEnvironmentLineLength} bytes without a line feed.");
        }

        if (_size + pending > _limits.MaxEnvironmentSize)
        {
            AgiProtocolException.Throw(AgiProtocolError.EnvironmentTooLarge, $"The environment block exceeds {_limits.MaxEnvironmentSize} bytes.");
        }

        request = null;
        return false;
    }

    /// <summary>Parses a complete environment block held in <paramref name="block"/>, blank line included.</summary>
    /// <exception cref="AgiProtocolException">The block is malformed, exceeds the limits, or does not end with a blank line.</exception>
    public static AgiRequest Parse(ReadOnlySequence<byte> block, AgiProtocolLimits? limits = null)
    {
        var reader = new SequenceReader<byte>(block);
        if (!new AgiRequestParser(limits).TryParse(ref reader, out AgiRequest? request))
        {
            AgiProtocolException.Throw(AgiProtocolError.IncompleteEnvironment, "The environment block does not end with a blank line.");
        }

        return request;
    }

    private void AddLine(ReadOnlySequence<byte> line)
    {
        byte[]? rented = null;
        ReadOnlySpan<byte> span;
        if (line.IsSingleSegment)
        {
            span = line.FirstSpan;
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent((int)line.Length);
            line.CopyTo(rented);
            span = rented.AsSpan(0, (int)line.Length);
        }

        try
        {
            if (span.Contains((byte)0))
            {
                AgiProtocolException.Throw(AgiProtocolError.NulByte, "The environment block contains a NUL byte.");
            }

            // Split on the first ": "; Asterisk writes "name: \n" for an empty value, and a value may itself contain ": ".
            int separator = span.IndexOf(": "u8);
            ReadOnlySpan<byte> name;
            ReadOnlySpan<byte> value;
            if (separator > 0)
            {
                name = span[..separator];
                value = span[(separator + 2)..];
            }
            else if (span.Length > 1 && span[^1] == (byte)':' && span.IndexOf((byte)':') == span.Length - 1)
            {
                name = span[..^1];
                value = default;
            }
            else
            {
                AgiProtocolException.Throw(AgiProtocolError.MalformedEnvironmentLine, "An environment line is not of the form 'name: value'.");
                return;
            }

            _variables.Add(new(DecodeName(name), value.IsEmpty ? string.Empty : Encoding.UTF8.GetString(value)));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static string DecodeName(ReadOnlySpan<byte> name)
    {
        for (int i = 0; i < KnownNameBytes.Length; i++)
        {
            if (name.SequenceEqual(KnownNameBytes[i]))
            {
                return KnownNames[i];
            }
        }

        return Encoding.UTF8.GetString(name);
    }
}
