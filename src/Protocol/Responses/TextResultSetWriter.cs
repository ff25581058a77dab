using Switchyard.Protocol.Primitives;

namespace Switchyard.Protocol.Responses;

/// <summary>
/// Builds a small text-protocol result set for answers the proxy gives itself (<c>SELECT @@switchyard.consistency</c>):
/// column count, one VARCHAR column definition per value, the rows, and the terminator — EOF packets, or the
/// OK-shaped terminator without the EOF after the columns under CLIENT_DEPRECATE_EOF.
/// </summary>
/// See https://mariadb.com/kb/en/result-set-packets/
public static class TextResultSetWriter
{
    /// <summary>MYSQL_TYPE_VAR_STRING.</summary>
    private const byte VarString = 0xFD;
    /// <summary>utf8mb4_general_ci.</summary>
    private const ushort Utf8Mb4 = 45;

    /// <summary>The payloads of a one-row result set, in order (sequence ids 1, 2, … are the caller's).</summary>
    /// <param name="values">One value per column; null is SQL NULL.</param>
    public static List<byte[]> OneRow(IReadOnlyList<string> columnNames, IReadOnlyList<string?> values, bool deprecateEof, ServerStatusFlags status)
    {
        if (columnNames.Count != values.Count || columnNames.Count == 0)
            throw new ArgumentException("one value per column, at least one column", nameof(values));
        var packets = new List<byte[]>(columnNames.Count + 4)
        {
            new PayloadWriter(4).WriteLengthEncodedInteger((ulong)columnNames.Count).ToArray(),
        };
        for (var i = 0; i < columnNames.Count; i++)
            packets.Add(ColumnDefinition(columnNames[i], values[i]));
        if (!deprecateEof)
            packets.Add(EofPacketBytes(status));
        var row = new PayloadWriter();
        foreach (var value in values)
        {
            if (value is null)
                row.WriteByte(0xFB);
            else
                row.WriteLengthEncodedString(value);
        }
        packets.Add(row.ToArray());
        packets.Add(deprecateEof ? OkPacket.CreateEofTerminator(status) : EofPacketBytes(status));
        return packets;
    }

    private static byte[] ColumnDefinition(string name, string? value) => new PayloadWriter()
        .WriteLengthEncodedString("def")
        .WriteLengthEncodedString("")
        .WriteLengthEncodedString("")
        .WriteLengthEncodedString("")
        .WriteLengthEncodedString(name)
        .WriteLengthEncodedString("")
        .WriteLengthEncodedInteger(0x0C)
        .WriteUInt16(Utf8Mb4)
        .WriteUInt32((uint)Math.Max(64, 4 * (value?.Length ?? 0)))
        .WriteByte(VarString)
        .WriteUInt16(0)
        .WriteByte(0x27) // decimals: 39 ("not fixed") for strings, as the server sends
        .WriteUInt16(0)
        .ToArray();

    private static byte[] EofPacketBytes(ServerStatusFlags status) =>
        new PayloadWriter(5).WriteByte(EofPacket.Header).WriteUInt16(0).WriteUInt16((ushort)status).ToArray();
}
