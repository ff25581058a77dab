using System.Buffers;
using Switchyard.Protocol.Framing;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.Framing;

public sealed class PacketHeaderTests
{
    [Theory]
    [InlineData("00000000", 0, 0)]
    [InlineData("0100000a", 1, 10)]
    [InlineData("fffffeff", 0xFEFFFF, 255)]
    [InlineData("ffffff03", 0xFFFFFF, 3)]
    public void Read_LittleEndianLengthAndSequenceId_DecodesBoth(string hex, int length, byte seq)
    {
        var header = PacketHeader.Read(Packets.Hex(hex));

        Assert.Equal(new PacketHeader(length, seq), header);
        var written = new byte[4];
        header.Write(written);
        Assert.Equal(Packets.Hex(hex), written);
    }

    [Theory]
    [InlineData(0xFFFFFE, false)]
    [InlineData(0xFFFFFF, true)]
    [InlineData(0, false)]
    public void HasContinuation_OnlyAtMaxLength(int length, bool expected)
    {
        Assert.Equal(expected, new PacketHeader(length, 0).HasContinuation);
    }

    [Fact]
    public void TryPeek_HeaderAcrossOneByteSegments_ReadsItWithoutConsuming()
    {
        var buffer = Sequences.OneBytePerSegment(Packets.Hex("2c0100 07 aa"));

        Assert.True(PacketHeader.TryPeek(buffer, out var header));

        Assert.Equal(new PacketHeader(300, 7), header);
        Assert.Equal(5, buffer.Length);
    }

    [Fact]
    public void TryPeek_FewerThanFourBytes_ReturnsFalse()
    {
        for (var length = 0; length < 4; length++)
            Assert.False(PacketHeader.TryPeek(new ReadOnlySequence<byte>(new byte[length]), out _));
    }
}
