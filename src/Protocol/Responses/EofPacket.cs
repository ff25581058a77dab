using Switchyard.Protocol.Primitives;

namespace Switchyard.Protocol.Responses;

/// <summary>The classic EOF packet (0xFE, payload shorter than 9 bytes) used without CLIENT_DEPRECATE_EOF.</summary>
/// See https://mariadb.com/kb/en/eof_packet/
public readonly record struct EofPacket(ushort Warnings, ServerStatusFlags Status)
{
    public const byte Header = 0xFE;
    public const int MaxPayloadLength = 8;

    public static bool IsEof(ReadOnlySpan<byte> payload) => payload.Length is > 0 and <= MaxPayloadLength && payload[0] == Header;

    public static EofPacket Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        if (reader.ReadByte() != Header)
            throw new ProtocolException("not an EOF packet");
        if (reader.Remaining < 4)
            return new EofPacket(0, ServerStatusFlags.None);
        return new EofPacket(reader.ReadUInt16(), (ServerStatusFlags)reader.ReadUInt16());
    }

    public byte[] Serialize() => new PayloadWriter(5).WriteByte(Header).WriteUInt16(Warnings).WriteUInt16((ushort)Status).ToArray();
}
