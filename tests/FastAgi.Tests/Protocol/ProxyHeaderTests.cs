using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;
using FastAgi.Protocol;
using Xunit;

namespace FastAgi.Tests.Protocol;

/// <summary>The PROXY protocol header parser: v1 and v2 as nginx and HAProxy send them, in any segmentation, and what is not a header.</summary>
public sealed class ProxyHeaderTests
{
    public static TheoryData<string, string, string?, string?> Valid => new()
    {
        { "v1 TCP4", "PROXY TCP4 10.1.2.3 10.0.0.1 5555 4573\r\n", "10.1.2.3:5555", "10.0.0.1:4573" },
        { "v1 TCP6", "PROXY TCP6 fd00::5 fd00::1 40000 4573\r\n", "[fd00::5]:40000", "[fd00::1]:4573" },
        { "v1 UNKNOWN", "PROXY UNKNOWN\r\n", null, null },
        { "v1 UNKNOWN with addresses", "PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n", null, null },
        { "v1 longest", "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void A_v1_header_gives_its_addresses_whatever_the_segmentation(string name, string header, string? source, string? destination)
    {
        Assert.NotNull(name);
        byte[] bytes = Encoding.ASCII.GetBytes(header + "agi_network: yes\n");
        foreach (ReadOnlySequence<byte> input in Segmentations(bytes))
        {
            AgiProxyHeader parsed = ParseComplete(input, out long consumed);
            Assert.Equal(header.Length, consumed);
            Assert.Equal(source, parsed.Source?.ToString());
            Assert.Equal(destination, parsed.Destination?.ToString());
        }
    }

    [Fact]
    public void A_v2_header_for_IPv4_IPv6_and_LOCAL_gives_its_addresses_and_skips_its_TLVs()
    {
        byte[] ipv4 = V2(0x21, 0x11, [10, 1, 2, 3, 10, 0, 0, 1, 0x15, 0xB3, 0x11, 0xDD], tlvs: [0x04, 0x00, 0x02, 0xAB, 0xCD]);
        byte[] ipv6 = V2(0x21, 0x21, [.. IPAddress.Parse("fd00::5").GetAddressBytes(), .. IPAddress.Parse("fd00::1").GetAddressBytes(), 0x9C, 0x40, 0x11, 0xDD]);
        byte[] local = V2(0x20, 0x00, []);

        foreach ((byte[] header, string? source) in new[] { (ipv4, "10.1.2.3:5555"), (ipv6, "[fd00::5]:40000"), (local, (string?)null) })
        {
            byte[] bytes = [.. header, .. "agi_network: yes\n"u8];
            foreach (ReadOnlySequence<byte> input in Segmentations(bytes))
            {
                AgiProxyHeader parsed = ParseComplete(input, out long consumed);
                Assert.Equal(header.Length, consumed);
                Assert.Equal(source, parsed.Source?.ToString());
            }
        }
    }

    [Theory]
    [InlineData("agi_network: yes\n")]
    [InlineData("PROXY TCP4 10.1.2.3 10.0.0.1 5555\r\n")]
    [InlineData("PROXY TCP4 10.1.2.3 10.0.0.1 5555 4573\n")]
    [InlineData("PROXY TCP4 fd00::5 10.0.0.1 5555 4573\r\n")]
    [InlineData("PROXY TCP4 10.1.2.3 10.0.0.1 65536 4573\r\n")]
    [InlineData("PROXY TCP4 10.1.2.3 10.0.0.1 05555 4573\r\n")]
    [InlineData("PROXY TCP5 10.1.2.3 10.0.0.1 5555 4573\r\n")]
    [InlineData("PROXY TCP4 10.1.2.3\u0000 10.0.0.1 5555 4573\r\n")]
    public void What_is_not_a_valid_v1_header_is_a_typed_error(string text)
        => AssertInvalid(Encoding.ASCII.GetBytes(text));

    [Fact]
    public void A_v1_header_with_no_line_end_within_107_bytes_is_a_typed_error_not_a_wait()
        => AssertInvalid(Encoding.ASCII.GetBytes("PROXY TCP4 " + new string('1', 200)));

    [Fact]
    public void A_bad_v2_header_is_a_typed_error()
    {
        AssertInvalid(V2(0x11, 0x11, new byte[12]));         // version 1 in a v2 signature
        AssertInvalid(V2(0x22, 0x11, new byte[12]));         // command 2
        AssertInvalid(V2(0x21, 0x11, new byte[4]));          // too few address bytes
        AssertInvalid(V2(0x21, 0x12, new byte[12]));         // UDP
        AssertInvalid(V2(0x21, 0x31, new byte[216]));        // a Unix socket
        byte[] huge = V2(0x21, 0x11, new byte[12]);
        BinaryPrimitives.WriteUInt16BigEndian(huge.AsSpan(14), 60000);
        AssertInvalid(huge);                                 // a length past the bound: refused before it arrives
    }

    [Fact]
    public void Part_of_a_header_waits_for_more()
    {
        foreach (byte[] bytes in new[] { Encoding.ASCII.GetBytes("PROXY TCP4 10.1.2.3 10.0.0.1 5555 4573\r\n"), V2(0x21, 0x11, new byte[12]) })
        {
            for (int length = 0; length < bytes.Length; length++)
            {
                var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes, 0, length));
                Assert.False(AgiProxyHeader.TryParse(ref reader, out _));
                Assert.Equal(0, reader.Consumed);
            }
        }
    }

    private static void AssertInvalid(byte[] bytes)
    {
        AgiProtocolException error = Assert.Throws<AgiProtocolException>(() =>
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
            AgiProxyHeader.TryParse(ref reader, out _);
        });
        Assert.Equal(AgiProtocolError.InvalidProxyHeader, error.Error);
    }

    private static AgiProxyHeader ParseComplete(ReadOnlySequence<byte> input, out long consumed)
    {
        var reader = new SequenceReader<byte>(input);
        Assert.True(AgiProxyHeader.TryParse(ref reader, out AgiProxyHeader? header));
        consumed = reader.Consumed;
        return header!;
    }

    /// <summary>A v2 header: signature, version and command, family and protocol, length, addresses, TLVs.</summary>
    internal static byte[] V2(byte versionCommand, byte family, byte[] addresses, byte[]? tlvs = null)
    {
        tlvs ??= [];
        byte[] header = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, versionCommand, family, 0, 0, .. addresses, .. tlvs];
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)(addresses.Length + tlvs.Length));
        return header;
    }

    /// <summary>The bytes in one segment, one byte per segment, and cut in two at every point.</summary>
    private static IEnumerable<ReadOnlySequence<byte>> Segmentations(byte[] bytes)
    {
        yield return new ReadOnlySequence<byte>(bytes);
        yield return Chunked(bytes, 1);
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            yield return Split(bytes, cut);
        }
    }

    private static ReadOnlySequence<byte> Chunked(byte[] bytes, int size)
    {
        var first = new Segment(bytes.AsMemory(0, Math.Min(size, bytes.Length)));
        Segment last = first;
        for (int i = size; i < bytes.Length; i += size)
        {
            last = last.Append(bytes.AsMemory(i, Math.Min(size, bytes.Length - i)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private static ReadOnlySequence<byte> Split(byte[] bytes, int cut)
    {
        var first = new Segment(bytes.AsMemory(0, cut));
        Segment last = first.Append(bytes.AsMemory(cut));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
