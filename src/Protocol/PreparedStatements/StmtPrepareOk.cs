using System.Buffers.Binary;
using Switchyard.Protocol.Primitives;

namespace Switchyard.Protocol.PreparedStatements;

/// <summary>The first packet of a successful COM_STMT_PREPARE response. Parameter and column definitions
/// follow it as separate packets (the <see cref="Responses.ResponseScanner"/> finds their end).</summary>
/// See https://mariadb.com/kb/en/com_stmt_prepare/#COM_STMT_PREPARE_OK
/// and https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_prepare.html#sect_protocol_com_stmt_prepare_response_ok
public readonly record struct StmtPrepareOk(
    uint StatementId,
    ushort ColumnCount,
    ushort ParameterCount,
    ushort WarningCount,
    byte? MetadataFollows)
{
    public const byte Header = 0x00;

    /// <summary>0x00, statement id, column count, parameter count: what every server sends.</summary>
    public const int MinLength = 9;

    /// <summary>With the reserved byte and the warning count: what MariaDB and MySQL 5.x+ send.</summary>
    public const int StandardLength = 12;

    private const int StatementIdOffset = 1;

    /// <summary>Parses the first packet of a COM_STMT_PREPARE response. False for an ERR packet or anything that
    /// is not a PREPARE_OK; never throws. The trailing fields are optional: the warning count is there when the
    /// payload is 12 bytes or longer, and MySQL 8 adds metadata_follows (13th byte) under
    /// CLIENT_OPTIONAL_RESULTSET_METADATA (0 = no column/parameter definitions follow). MariaDB never sends it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out StmtPrepareOk packet)
    {
        packet = default;
        if (payload.Length < MinLength || payload[0] != Header)
            return false;
        var statementId = BinaryPrimitives.ReadUInt32LittleEndian(payload[StatementIdOffset..]);
        var columns = BinaryPrimitives.ReadUInt16LittleEndian(payload[5..]);
        var parameters = BinaryPrimitives.ReadUInt16LittleEndian(payload[7..]);
        var warnings = payload.Length >= StandardLength ? BinaryPrimitives.ReadUInt16LittleEndian(payload[10..]) : (ushort)0;
        byte? metadataFollows = payload.Length > StandardLength ? payload[StandardLength] : null;
        packet = new StmtPrepareOk(statementId, columns, parameters, warnings, metadataFollows);
        return true;
    }

    /// <summary>Patches the statement id of a PREPARE_OK payload in place: the proxy forwards the backend's
    /// answer to the client, but with the id the proxy owns. False (and nothing written) when the payload is not
    /// a PREPARE_OK, e.g. an ERR packet, which the proxy forwards unchanged.</summary>
    public static bool RewriteStatementId(Span<byte> payload, uint newId)
    {
        if (payload.Length < MinLength || payload[0] != Header)
            return false;
        BinaryPrimitives.WriteUInt32LittleEndian(payload[StatementIdOffset..], newId);
        return true;
    }

    /// <summary>A MariaDB-style PREPARE_OK (12 bytes, no metadata_follows), for answers the proxy makes itself,
    /// such as a re-prepare of a statement it already knows.</summary>
    public static byte[] Create(uint statementId, ushort columnCount, ushort parameterCount, ushort warningCount = 0) =>
        new PayloadWriter(StandardLength)
            .WriteByte(Header)
            .WriteUInt32(statementId)
            .WriteUInt16(columnCount)
            .WriteUInt16(parameterCount)
            .WriteByte(0) // reserved
            .WriteUInt16(warningCount)
            .ToArray();
}
