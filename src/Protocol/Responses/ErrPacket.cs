using System.Text;
using Switchyard.Protocol.Primitives;

namespace Switchyard.Protocol.Responses;

/// <summary>An error (0xFF header): code, SQL state, message.</summary>
/// See https://mariadb.com/kb/en/err_packet/
public sealed record ErrPacket(ushort ErrorCode, string SqlState, string Message)
{
    public const byte Header = 0xFF;

    public static ErrPacket Parse(ReadOnlySpan<byte> payload, bool hasSqlState = true)
    {
        var reader = new PayloadReader(payload);
        if (reader.ReadByte() != Header)
            throw new ProtocolException("not an ERR packet");
        var code = reader.ReadUInt16();
        var state = ErrorCodes.StateGeneral;
        if (hasSqlState && !reader.IsAtEnd && reader.PeekByte() == (byte)'#')
        {
            reader.Skip(1);
            state = Encoding.ASCII.GetString(reader.ReadBytes(5));
        }
        return new ErrPacket(code, state, Encoding.UTF8.GetString(reader.ReadRest()));
    }

    public byte[] Serialize() =>
        new PayloadWriter(16 + Message.Length)
            .WriteByte(Header)
            .WriteUInt16(ErrorCode)
            .WriteByte((byte)'#')
            .WriteString(SqlState.Length == 5 ? SqlState : ErrorCodes.StateGeneral)
            .WriteString(Message)
            .ToArray();
}
