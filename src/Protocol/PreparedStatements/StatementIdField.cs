using System.Buffers.Binary;
using Switchyard.Protocol.Commands;

namespace Switchyard.Protocol.PreparedStatements;

/// <summary>The statement id of the client commands that address a prepared statement. For all of them it is the
/// u32 right after the command byte, so the proxy can swap its own id for the backend connection's in place,
/// without parsing the rest (values, long data, fetch row count).</summary>
/// See https://mariadb.com/kb/en/com_stmt_execute/ , https://mariadb.com/kb/en/com_stmt_send_long_data/ ,
/// https://mariadb.com/kb/en/com_stmt_close/ , https://mariadb.com/kb/en/com_stmt_reset/ ,
/// https://mariadb.com/kb/en/com_stmt_fetch/ , https://mariadb.com/kb/en/com_stmt_bulk_execute/
public static class StatementIdField
{
    /// <summary>MariaDB's id -1: "the statement prepared last on this connection" (used to pipeline a PREPARE and
    /// its EXECUTE without waiting for the id). It names no entry in the proxy's table: resolve it to the client's
    /// last prepared statement before mapping, or forward it only on the connection that ran that PREPARE.</summary>
    public const uint LastPrepared = 0xFFFFFFFF;

    /// <summary>Offset of the id in the payload (right after the command byte).</summary>
    public const int Offset = 1;

    /// <summary>Command byte plus the id: the shortest payload that carries one.</summary>
    public const int MinPayloadLength = Offset + sizeof(uint);

    /// <summary>Whether <paramref name="command"/> carries a statement id at <see cref="Offset"/>.
    /// COM_STMT_PREPARE does not: it creates one.</summary>
    public static bool Carries(CommandCode command) => command is CommandCode.StmtExecute or CommandCode.StmtSendLongData
        or CommandCode.StmtClose or CommandCode.StmtReset or CommandCode.StmtFetch or CommandCode.StmtBulkExecute;

    /// <summary>Reads the statement id of a client command. False, never an exception, when the command does not
    /// address a prepared statement or the payload is too short to hold the id.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out uint id)
    {
        if (payload.Length < MinPayloadLength || !Carries((CommandCode)payload[0]))
        {
            id = 0;
            return false;
        }
        id = BinaryPrimitives.ReadUInt32LittleEndian(payload[Offset..]);
        return true;
    }

    /// <summary>Overwrites the statement id in place. The payload must be one <see cref="TryRead"/> accepted;
    /// anything else is a bug in the caller and throws.</summary>
    public static void Write(Span<byte> payload, uint id)
    {
        if (payload.Length < MinPayloadLength || !Carries((CommandCode)payload[0]))
            throw new ArgumentException("not a command that carries a statement id", nameof(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(payload[Offset..], id);
    }
}
