using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace FastAgi.Protocol;

/// <summary>
/// The PROXY protocol header (v1 text or v2 binary, as HAProxy and nginx send it) that a TCP load balancer puts before the
/// connection's own bytes: the address of the client it forwards (Asterisk), which the server then uses instead of the
/// load balancer's.
/// </summary>
/// <param name="Source">The client's address and port; <see langword="null"/> for a LOCAL header (the balancer's own health check) or an UNKNOWN one.</param>
/// <param name="Destination">The address and port the client connected to, when the header carries it.</param>
public sealed record AgiProxyHeader(IPEndPoint? Source, IPEndPoint? Destination)
{
    /// <summary>The most bytes a v1 header takes, its CRLF included (the specification's bound).</summary>
    public const int MaxV1Length = 107;

    /// <summary>The most bytes of a v2 header accepted: its 16 fixed bytes and up to this many more (addresses and TLVs).</summary>
    public const int MaxV2Length = 16 + 1024;

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    /// <summary>
    /// Reads a header from the start of <paramref name="reader"/>: true with the header once all of it is there (the reader
    /// then stands after it), false while more bytes are needed.
    /// </summary>
    /// <exception cref="AgiProtocolException">The bytes are not a PROXY header, or an invalid one (<see cref="AgiProtocolError.InvalidProxyHeader"/>).</exception>
    public static bool TryParse(ref SequenceReader<byte> reader, out AgiProxyHeader? header)
    {
        header = null;
        Span<byte> start = stackalloc byte[16];
        int available = (int)Math.Min(reader.Remaining, start.Length);
        reader.TryCopyTo(start[..available]);
        Span<byte> known = start[..available];

        if (IsPrefixOf(known, V2Signature))
        {
            if (available < 16)
            {
                return false;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(start[14..]);
            if (16 + length > MaxV2Length)
            {
                throw Invalid($"a v2 header of {16 + length} bytes, over the bound of {MaxV2Length}");
            }

            if (reader.Remaining < 16 + length)
            {
                return false;
            }

            byte[] rented = ArrayPool<byte>.Shared.Rent(16 + length);
            try
            {
                Span<byte> whole = rented.AsSpan(0, 16 + length);
                reader.TryCopyTo(whole);
                header = ParseV2(whole);
                reader.Advance(16 + length);
                return true;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        if (IsPrefixOf(known, V1Prefix))
        {
            if (available < V1Prefix.Length)
            {
                return false;
            }

            ReadOnlySequence<byte> rest = reader.UnreadSequence;
            SequencePosition? lineFeed = rest.Slice(0, Math.Min(rest.Length, MaxV1Length)).PositionOf((byte)'\n');
            if (lineFeed is null)
            {
                if (rest.Length >= MaxV1Length)
                {
                    throw Invalid($"a v1 header with no line end within {MaxV1Length} bytes");
                }

                return false;
            }

            ReadOnlySequence<byte> line = rest.Slice(0, lineFeed.Value);
            Span<byte> text = stackalloc byte[MaxV1Length];
            int lineLength = (int)line.Length;
            line.CopyTo(text);
            header = ParseV1(text[..lineLength]);
            reader.Advance(lineLength + 1);
            return true;
        }

        if (available == 0)
        {
            return false;
        }

        throw Invalid("bytes that start neither a v1 nor a v2 header");
    }

    private static AgiProxyHeader ParseV1(ReadOnlySpan<byte> line)
    {
        if (line.Length == 0 || line[^1] != (byte)'\r')
        {
            throw Invalid("a v1 header that does not end with CRLF");
        }

        string text = Encoding.ASCII.GetString(line[..^1]);
        foreach (char c in text)
        {
            if (c is < ' ' or > '~')
            {
                throw Invalid("a v1 header with a control or non-ASCII character");
            }
        }

        string[] words = text.Split(' ');
        if (words.Length >= 2 && words[1] == "UNKNOWN")
        {
            // What follows UNKNOWN is to be ignored (the balancer could not tell the client's address).
            return new AgiProxyHeader(null, null);
        }

        if (words.Length != 6 || words[1] is not ("TCP4" or "TCP6"))
        {
            throw Invalid($"a v1 header that is not 'PROXY TCP4|TCP6 SOURCE DESTINATION SPORT DPORT' ('{AgiLogText.Escape(text, 60)}')");
        }

        System.Net.Sockets.AddressFamily family = words[1] == "TCP4" ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6;
        return new AgiProxyHeader(Endpoint(words[2], words[4], family), Endpoint(words[3], words[5], family));
    }

    private static IPEndPoint Endpoint(string address, string port, System.Net.Sockets.AddressFamily family)
    {
        if (!IPAddress.TryParse(address, out IPAddress? parsed) || parsed.AddressFamily != family
            || !ushort.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ushort number)
            || (port.Length > 1 && port[0] == '0'))
        {
            throw Invalid($"a v1 header with a bad address or port ('{AgiLogText.Escape(address, 46)}', '{AgiLogText.Escape(port, 8)}')");
        }

        return new IPEndPoint(parsed, number);
    }

    private static AgiProxyHeader ParseV2(ReadOnlySpan<byte> header)
    {
        byte versionCommand = header[12];
        if (versionCommand >> 4 != 2)
        {
            throw Invalid($"a v2 signature with version {versionCommand >> 4}");
        }

        int command = versionCommand & 0x0F;
        if (command == 0)
        {
            // LOCAL: the balancer's own connection (a health check): the socket's addresses stand.
            return new AgiProxyHeader(null, null);
        }

        if (command != 1)
        {
            throw Invalid($"a v2 header with command {command}");
        }

        ReadOnlySpan<byte> body = header[16..];
        switch (header[13])
        {
            case 0x11 when body.Length >= 12:
                // TCP over IPv4: source, destination, source port, destination port.
                return new AgiProxyHeader(
                    new IPEndPoint(new IPAddress(body[..4]), BinaryPrimitives.ReadUInt16BigEndian(body[8..])),
                    new IPEndPoint(new IPAddress(body[4..8]), BinaryPrimitives.ReadUInt16BigEndian(body[10..])));
            case 0x21 when body.Length >= 36:
                return new AgiProxyHeader(
                    new IPEndPoint(new IPAddress(body[..16]), BinaryPrimitives.ReadUInt16BigEndian(body[32..])),
                    new IPEndPoint(new IPAddress(body[16..32]), BinaryPrimitives.ReadUInt16BigEndian(body[34..])));
            case 0x00:
                // UNSPEC: the balancer does not know; the socket's addresses stand.
                return new AgiProxyHeader(null, null);
            case 0x11 or 0x21:
                throw Invalid($"a v2 header whose {body.Length} address bytes are too few for its family");
            default:
                throw Invalid($"a v2 header for family and protocol 0x{header[13]:x2}, not TCP over IPv4 or IPv6");
        }
    }

    private static bool IsPrefixOf(ReadOnlySpan<byte> start, ReadOnlySpan<byte> whole)
        => start.Length <= whole.Length ? whole.StartsWith(start) : start.StartsWith(whole);

    private static AgiProtocolException Invalid(string what) => new(AgiProtocolError.InvalidProxyHeader, $"Expected a PROXY protocol header and read {what}.");
}
