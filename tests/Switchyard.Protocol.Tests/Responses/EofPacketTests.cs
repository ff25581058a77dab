using Switchyard.Protocol.Responses;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.Responses;

public sealed class EofPacketTests
{
    [Fact]
    public void Parse_RealEofAfterRows_ReadsWarningsAndStatus()
    {
        var last = Packets.Physical(Vectors.Load(Vectors.Get("query_select_rows.eof")))[^1][4..];

        Assert.True(EofPacket.IsEof(last));
        var eof = EofPacket.Parse(last);

        Assert.Equal(0, eof.Warnings);
        Assert.Equal(ServerStatusFlags.Autocommit, eof.Status);
    }

    [Fact]
    public void Parse_RealEofOfACursorFetch_CarriesLastRowSent()
    {
        var last = Packets.Physical(Vectors.Load(Vectors.Get("stmt_fetch_3.eof")))[^1][4..];

        Assert.Equal(ServerStatusFlags.Autocommit | ServerStatusFlags.LastRowSent, EofPacket.Parse(last).Status);
    }

    [Fact]
    public void Serialize_ThenParse_RoundTrips()
    {
        var original = new EofPacket(3, ServerStatusFlags.InTransaction | ServerStatusFlags.MoreResultsExist);

        var bytes = original.Serialize();

        Assert.Equal(Packets.Hex("fe 0300 0900"), bytes);
        Assert.Equal(original, EofPacket.Parse(bytes));
    }

    [Theory]
    [InlineData("fe000002 00", true)]
    [InlineData("fe", true)]                   // pre-4.1 EOF: the header alone
    [InlineData("fe00000200000000", true)]     // 8 bytes: still EOF
    [InlineData("fe0000020000000000", false)]  // 9 bytes: a row starting with an 8-byte length
    [InlineData("00000002000000", false)]      // OK
    [InlineData("", false)]
    public void IsEof_Payload_ByHeaderAndLength(string hex, bool expected)
    {
        Assert.Equal(expected, EofPacket.IsEof(Packets.Hex(hex)));
    }

    [Fact]
    public void Parse_HeaderOnly_HasNoStatus()
    {
        Assert.Equal(new EofPacket(0, ServerStatusFlags.None), EofPacket.Parse([0xFE]));
    }

    [Fact]
    public void Parse_NotAnEof_ThrowsProtocolException()
    {
        Assert.Throws<ProtocolException>(() => EofPacket.Parse(Packets.Hex("00000002000000")));
    }
}
