using Switchyard.Protocol.Responses;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.Responses;

public sealed class ErrPacketTests
{
    [Theory]
    [InlineData("query_error_syntax.eof", 1064, "42000", "You have an error in your SQL syntax")]
    [InlineData("query_error_syntax.deprecate_eof", 1064, "42000", "You have an error in your SQL syntax")]
    [InlineData("com_init_db_error.eof", 1049, "42000", "Unknown database 'no_such_db'")]
    [InlineData("query_multi_error.deprecate_eof", 1146, "42S02", "Table 'sy_protocol_vectors.no_such_table' doesn't exist")]
    public void Parse_RealServerError_ReadsCodeStateAndMessage(string vectorName, int code, string state, string messageStart)
    {
        var vector = Vectors.Get(vectorName);
        var last = Packets.Physical(Vectors.Load(vector))[^1][4..];

        var err = ErrPacket.Parse(last);

        Assert.Equal(vector.ErrorCode, err.ErrorCode);
        Assert.Equal(code, err.ErrorCode);
        Assert.Equal(state, err.SqlState);
        Assert.StartsWith(messageStart, err.Message);
    }

    [Fact]
    public void Serialize_ThenParse_RoundTrips()
    {
        var original = new ErrPacket(1045, "28000", "Access denied for user 'app'@'10.0.0.1' (using password: YES) — ü");

        var bytes = original.Serialize();

        Assert.Equal(Packets.Hex("ff1504 23 3238303030"), bytes[..9]);
        Assert.Equal(original, ErrPacket.Parse(bytes));
    }

    [Fact]
    public void Serialize_SqlStateNotFiveCharacters_UsesHY000()
    {
        var parsed = ErrPacket.Parse(new ErrPacket(9001, "bad", "no backend").Serialize());

        Assert.Equal(ErrorCodes.StateGeneral, parsed.SqlState);
        Assert.Equal("no backend", parsed.Message);
    }

    [Fact]
    public void Parse_WithoutSqlStateMarker_KeepsTheWholeMessage()
    {
        var payload = Packets.Hex("ff1304").Concat("Bad handshake"u8.ToArray()).ToArray();

        var err = ErrPacket.Parse(payload, hasSqlState: false);

        Assert.Equal(ErrorCodes.HandshakeError, err.ErrorCode);
        Assert.Equal(ErrorCodes.StateGeneral, err.SqlState);
        Assert.Equal("Bad handshake", err.Message);
    }

    [Fact]
    public void Parse_NotAnErr_ThrowsProtocolException()
    {
        Assert.Throws<ProtocolException>(() => ErrPacket.Parse(Packets.Hex("0000000200")));
        Assert.Throws<ProtocolException>(() => ErrPacket.Parse(Packets.Hex("ff15")));
    }
}
