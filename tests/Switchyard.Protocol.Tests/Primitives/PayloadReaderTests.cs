using Switchyard.Protocol.Primitives;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.Primitives;

public sealed class PayloadReaderTests
{
    public static TheoryData<ulong, string> LengthEncodedBoundaries => PayloadWriterTests.LengthEncodedBoundaries;

    [Theory]
    [MemberData(nameof(LengthEncodedBoundaries))]
    public void ReadLengthEncodedInteger_Boundary_DecodesValueAndLength(ulong value, string hex)
    {
        var bytes = Packets.Hex(hex + "99");
        var reader = new PayloadReader(bytes);

        Assert.Equal(value, reader.ReadLengthEncodedInteger());
        Assert.Equal(bytes.Length - 1, reader.Offset);
        Assert.Equal(0x99, reader.ReadByte());
        Assert.True(reader.IsAtEnd);
    }

    [Theory]
    [MemberData(nameof(LengthEncodedBoundaries))]
    public void ReadLengthEncodedInteger_EveryTruncation_ThrowsProtocolException(ulong value, string hex)
    {
        _ = value;
        var bytes = Packets.Hex(hex);
        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes[..length];
            Assert.Throws<ProtocolException>(() => new PayloadReader(prefix).ReadLengthEncodedInteger());
        }
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(250UL)]
    [InlineData(251UL)]
    [InlineData(65535UL)]
    [InlineData(65536UL)]
    [InlineData(16777215UL)]
    [InlineData(16777216UL)]
    [InlineData(ulong.MaxValue)]
    public void ReadLengthEncodedInteger_WhatTheWriterWrote_RoundTrips(ulong value)
    {
        var bytes = new PayloadWriter().WriteLengthEncodedInteger(value).ToArray();

        Assert.Equal(value, new PayloadReader(bytes).ReadLengthEncodedInteger());
    }

    [Theory]
    [InlineData("fb")] // NULL marker in a row, never an integer
    [InlineData("ff")] // ERR marker
    [InlineData("fb0000")]
    public void ReadLengthEncodedInteger_InvalidPrefix_ThrowsProtocolException(string hex)
    {
        var bytes = Packets.Hex(hex);

        var error = Assert.Throws<ProtocolException>(() => new PayloadReader(bytes).ReadLengthEncodedInteger());

        Assert.Contains("0x" + hex[..2].ToUpperInvariant(), error.Message);
    }

    [Fact]
    public void ReadFixedIntegers_LittleEndian_DecodeAndAdvance()
    {
        var reader = new PayloadReader(Packets.Hex("01 0203 040506 0708090a 0b0c0d0e0f101112"));

        Assert.Equal(0x01, reader.PeekByte());
        Assert.Equal(0x01, reader.ReadByte());
        Assert.Equal(0x0302, reader.ReadUInt16());
        Assert.Equal(0x060504u, reader.ReadUInt24());
        Assert.Equal(0x0A090807u, reader.ReadUInt32());
        Assert.Equal(0x1211100F0E0D0C0BUL, reader.ReadUInt64());
        Assert.True(reader.IsAtEnd);
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void ReadFixedIntegers_Truncated_ThrowProtocolException()
    {
        byte[] one = [1], two = [1, 2], three = [1, 2, 3], seven = [1, 2, 3, 4, 5, 6, 7];

        Assert.Throws<ProtocolException>(() => new PayloadReader([]).ReadByte());
        Assert.Throws<ProtocolException>(() => new PayloadReader([]).PeekByte());
        Assert.Throws<ProtocolException>(() => new PayloadReader(one).ReadUInt16());
        Assert.Throws<ProtocolException>(() => new PayloadReader(two).ReadUInt24());
        Assert.Throws<ProtocolException>(() => new PayloadReader(three).ReadUInt32());
        Assert.Throws<ProtocolException>(() => new PayloadReader(seven).ReadUInt64());
        Assert.Throws<ProtocolException>(() => new PayloadReader(three).ReadBytes(4).ToArray());
        Assert.Throws<ProtocolException>(() => new PayloadReader(three).ReadBytes(-1).ToArray());
        Assert.Throws<ProtocolException>(() => new PayloadReader(three).Skip(4));
    }

    [Fact]
    public void ReadLengthEncodedString_Utf8_DecodesText()
    {
        var bytes = new PayloadWriter().WriteLengthEncodedString("héllo").WriteLengthEncodedString("").ToArray();
        var reader = new PayloadReader(bytes);

        Assert.Equal("héllo", reader.ReadLengthEncodedString());
        Assert.Equal("", reader.ReadLengthEncodedString());
        Assert.True(reader.IsAtEnd);
    }

    [Theory]
    [InlineData("05616263")]           // says 5, holds 3
    [InlineData("fc0001" + "6162")]    // says 256, holds 2
    [InlineData("fe0000000001000000")] // says 2^32
    [InlineData("feffffffffffffffff")] // says ulong.MaxValue: must not overflow into a negative int
    [InlineData("fc01")]               // the length itself is cut
    public void ReadLengthEncodedBytes_RunsPastTheEnd_ThrowsProtocolException(string hex)
    {
        var bytes = Packets.Hex(hex);

        Assert.Throws<ProtocolException>(() => new PayloadReader(bytes).ReadLengthEncodedBytes().ToArray());
    }

    [Fact]
    public void ReadNullTerminatedString_TwoStrings_ReadsEachAndSkipsTheNul()
    {
        var reader = new PayloadReader(Packets.Hex("61707000 00 7a"));

        Assert.Equal("app", reader.ReadNullTerminatedString());
        Assert.Equal("", reader.ReadNullTerminatedString());
        Assert.Equal(1, reader.Remaining);
    }

    [Fact]
    public void ReadNullTerminatedBytes_NoNul_ThrowsProtocolException()
    {
        byte[] bytes = [0x61, 0x62];

        Assert.Throws<ProtocolException>(() => new PayloadReader(bytes).ReadNullTerminatedBytes().ToArray());
        Assert.Throws<ProtocolException>(() => new PayloadReader(bytes).ReadNullTerminatedString());
    }

    [Fact]
    public void ReadNullTerminatedOrRestBytes_WithAndWithoutNul_ReadsTheField()
    {
        var withNul = new PayloadReader(Packets.Hex("616200 63"));
        var withoutNul = new PayloadReader(Packets.Hex("6162"));

        Assert.Equal("ab"u8.ToArray(), withNul.ReadNullTerminatedOrRestBytes().ToArray());
        Assert.Equal(3, withNul.Offset);
        Assert.Equal("ab"u8.ToArray(), withoutNul.ReadNullTerminatedOrRestBytes().ToArray());
        Assert.True(withoutNul.IsAtEnd);
    }

    [Fact]
    public void ReadRest_AfterSomeBytes_ReturnsTheRemainderAndEndsTheReader()
    {
        var reader = new PayloadReader(Packets.Hex("01020304"));
        reader.Skip(1);

        Assert.Equal(Packets.Hex("020304"), reader.ReadRest().ToArray());
        Assert.True(reader.IsAtEnd);
        Assert.Equal(0, reader.ReadRest().Length);
    }
}
