using Switchyard.Protocol.Primitives;

namespace Switchyard.Protocol.Responses;

/// <summary>An OK packet (0x00, or 0xFE when it ends a result set under CLIENT_DEPRECATE_EOF).</summary>
/// See https://mariadb.com/kb/en/ok_packet/
public readonly ref struct OkPacket
{
    public const byte Header = 0x00;
    public const byte EofHeader = 0xFE;

    public ulong AffectedRows { get; init; }
    public ulong LastInsertId { get; init; }
    public ServerStatusFlags Status { get; init; }
    public ushort Warnings { get; init; }
    public ReadOnlySpan<byte> Info { get; init; }
    /// <summary>Raw session state change data (see <see cref="SessionStateReader"/>); empty unless
    /// SESSION_STATE_CHANGED is set and CLIENT_SESSION_TRACK was negotiated.</summary>
    public ReadOnlySpan<byte> SessionStateChanges { get; init; }

    public static OkPacket Parse(ReadOnlySpan<byte> payload, bool sessionTrack)
    {
        var reader = new PayloadReader(payload);
        var header = reader.ReadByte();
        if (header != Header && header != EofHeader)
            throw new ProtocolException("not an OK packet");
        var affected = reader.ReadLengthEncodedInteger();
        var insertId = reader.ReadLengthEncodedInteger();
        var status = (ServerStatusFlags)reader.ReadUInt16();
        var warnings = reader.ReadUInt16();
        ReadOnlySpan<byte> info = default, state = default;
        if (sessionTrack)
        {
            if (!reader.IsAtEnd)
                info = reader.ReadLengthEncodedBytes();
            if ((status & ServerStatusFlags.SessionStateChanged) != 0 && !reader.IsAtEnd)
                state = reader.ReadLengthEncodedBytes();
        }
        else
        {
            // MariaDB (and MySQL in practice) send the info as a length-encoded string even without
            // CLIENT_SESSION_TRACK (seen on the wire: LOAD DATA's "Records: ..." comes as 0x2F + 47 bytes). Keep
            // the raw rest only if it is not one.
            info = reader.ReadRest();
            var inner = new PayloadReader(info);
            if (!inner.IsAtEnd && inner.PeekByte() < 0xFB && inner.PeekByte() == inner.Remaining - 1)
                info = info[1..];
        }
        return new OkPacket { AffectedRows = affected, LastInsertId = insertId, Status = status, Warnings = warnings, Info = info, SessionStateChanges = state };
    }

    /// <summary>Reads just the status flags; false if the payload is too short to hold them.</summary>
    public static bool TryReadStatus(ReadOnlySpan<byte> payload, out ServerStatusFlags status) =>
        TryReadHeader(payload, out _, out status, out _);

    /// <summary>Reads the fixed start of an OK (or OK-shaped terminator) without throwing: the scanner calls it
    /// on every response terminator. False if the payload is too short.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> payload, out ulong lastInsertId, out ServerStatusFlags status, out ushort warnings)
    {
        lastInsertId = 0;
        status = default;
        warnings = 0;
        var rest = payload.Length > 0 ? payload[1..] : payload;
        if (!PayloadReader.TrySkipLengthEncodedInteger(ref rest, out _) || !PayloadReader.TrySkipLengthEncodedInteger(ref rest, out lastInsertId) || rest.Length < 4)
            return false;
        status = (ServerStatusFlags)(rest[0] | rest[1] << 8);
        warnings = (ushort)(rest[2] | rest[3] << 8);
        return true;
    }

    /// <summary>A plain OK for replies the proxy makes itself (COM_CHANGE_USER, handshake end).</summary>
    public static byte[] Create(ServerStatusFlags status, ulong affectedRows = 0, ulong lastInsertId = 0, ushort warnings = 0, bool sessionTrack = false) =>
        CreateWithHeader(Header, status, affectedRows, lastInsertId, warnings, sessionTrack);

    /// <summary>The OK-shaped terminator (0xFE) that replaces EOF under CLIENT_DEPRECATE_EOF.</summary>
    public static byte[] CreateEofTerminator(ServerStatusFlags status, ushort warnings = 0, bool sessionTrack = false) =>
        CreateWithHeader(EofHeader, status, 0, 0, warnings, sessionTrack);

    private static byte[] CreateWithHeader(byte header, ServerStatusFlags status, ulong affectedRows, ulong lastInsertId, ushort warnings, bool sessionTrack)
    {
        var writer = new PayloadWriter(16)
            .WriteByte(header)
            .WriteLengthEncodedInteger(affectedRows)
            .WriteLengthEncodedInteger(lastInsertId)
            .WriteUInt16((ushort)(status & ~ServerStatusFlags.SessionStateChanged))
            .WriteUInt16(warnings);
        if (sessionTrack)
            writer.WriteLengthEncodedInteger(0);
        return writer.ToArray();
    }
}
