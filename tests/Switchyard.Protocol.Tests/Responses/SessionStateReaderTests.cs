using System.Text;
using Switchyard.Protocol.Primitives;
using Switchyard.Protocol.Responses;

namespace Switchyard.Protocol.Tests.Responses;

public sealed class SessionStateReaderTests
{
    private static byte[] Entry(SessionStateType type, byte[] data) =>
        new PayloadWriter().WriteByte((byte)type).WriteLengthEncodedBytes(data).ToArray();

    [Fact]
    public void MoveNext_MixedEntries_ReadsEachInOrder()
    {
        var sysvar = new PayloadWriter().WriteLengthEncodedString("autocommit").WriteLengthEncodedString("OFF").ToArray();
        var schema = new PayloadWriter().WriteLengthEncodedString("shop").ToArray();
        byte[] data = [.. Entry(SessionStateType.SystemVariables, sysvar), .. Entry(SessionStateType.Schema, schema), .. Entry(SessionStateType.StateChange, [0x01, (byte)'1'])];

        var reader = new SessionStateReader(data);
        var seen = new List<(SessionStateType, string, string)>();
        while (reader.MoveNext())
            seen.Add((reader.Type, Encoding.UTF8.GetString(reader.Name), Encoding.UTF8.GetString(reader.Value)));

        Assert.Equal(
        [
            (SessionStateType.SystemVariables, "autocommit", "OFF"),
            (SessionStateType.Schema, "shop", ""),
            (SessionStateType.StateChange, "\u00011", ""),
        ], seen);
    }

    [Fact]
    public void MoveNext_Empty_ReturnsFalse()
    {
        Assert.False(new SessionStateReader([]).MoveNext());
    }

    [Fact]
    public void MoveNext_TruncatedEntry_ThrowsProtocolException()
    {
        byte[] data = [0x00, 0x10, 0x09, (byte)'l'];

        Assert.Throws<ProtocolException>(() => new SessionStateReader(data).MoveNext());
    }
}
