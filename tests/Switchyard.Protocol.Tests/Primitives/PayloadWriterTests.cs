using Switchyard.Protocol.Primitives;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.Primitives;

public sealed class PayloadWriterTests
{
    /// <summary>Every boundary of the length-encoded integer, with its wire form from the protocol spec.</summary>
    public static TheoryData<ulong, string> LengthEncodedBoundaries => new()
    {
        { 0, "00" },
        { 0xFA, "fa" },                          // largest one-byte value
        { 0xFB, "fcfb00" },                      // 0xFB means NULL as a first byte, so it takes 0xFC + 2 bytes
        { 0xFC, "fcfc00" },
        { 0xFFFF, "fcffff" },
        { 0x10000, "fd000001" },
        { 0xFFFFFF, "fdffffff" },
        { 0x1000000, "fe0000000100000000" },
        { ulong.MaxValue, "feffffffffffffffff" },
    };

    [Theory]
    [MemberData(nameof(LengthEncodedBoundaries))]
    public void WriteLengthEncodedInteger_Boundary_UsesTheShortestEncoding(ulong value, string hex)
    {
        var bytes = new PayloadWriter().WriteLengthEncodedInteger(value).ToArray();

        Assert.Equal(Packets.Hex(hex), bytes);
    }

    [Fact]
    public void WriteFixedIntegers_LittleEndian_WritesExactBytes()
    {
        var bytes = new PayloadWriter()
            .WriteByte(0x01)
            .WriteUInt16(0x0302)
            .WriteUInt24(0x060504)
            .WriteUInt32(0x0A090807)
            .WriteUInt64(0x1211100F0E0D0C0B)
            .ToArray();

        Assert.Equal(Packets.Hex("01 0203 040506 0708090a 0b0c0d0e0f101112"), bytes);
    }

    [Fact]
    public void WriteStrings_EachKind_WritesExactBytes()
    {
        var writer = new PayloadWriter(1)
            .WriteNullTerminatedString("ab")
            .WriteLengthEncodedString("é")
            .WriteString("z")
            .WriteZeros(3)
            .WriteLengthEncodedBytes([]);

        Assert.Equal(Packets.Hex("616200 02c3a9 7a 000000 00"), writer.ToArray());
        Assert.Equal(11, writer.Length);
        Assert.Equal(writer.ToArray(), writer.WrittenSpan.ToArray());
        Assert.Equal(writer.ToArray(), writer.WrittenMemory.ToArray());
    }

    [Fact]
    public void WriteLengthEncodedBytes_LongValue_UsesTwoByteLength()
    {
        var value = new byte[300];

        var bytes = new PayloadWriter().WriteLengthEncodedBytes(value).ToArray();

        Assert.Equal(3 + 300, bytes.Length);
        Assert.Equal(Packets.Hex("fc2c01"), bytes[..3]);
    }
}
