using System.Buffers;

namespace Switchyard.Protocol.Framing;

/// <summary>The 4-byte header in front of every packet: 3-byte little-endian payload length, 1-byte sequence id.</summary>
/// See https://mariadb.com/kb/en/0-packet/
public readonly record struct PacketHeader(int PayloadLength, byte SequenceId)
{
    public const int Size = 4;

    /// <summary>A payload of exactly this length continues in the next packet.</summary>
    public const int MaxPayloadLength = 0xFFFFFF;

    public bool HasContinuation => PayloadLength == MaxPayloadLength;

    public static PacketHeader Read(ReadOnlySpan<byte> header) =>
        new(header[0] | (header[1] << 8) | (header[2] << 16), header[3]);

    /// <summary>Reads a header without consuming it; false when fewer than 4 bytes are buffered.</summary>
    public static bool TryPeek(in ReadOnlySequence<byte> buffer, out PacketHeader header)
    {
        if (buffer.Length < Size)
        {
            header = default;
            return false;
        }
        var first = buffer.FirstSpan;
        if (first.Length >= Size)
        {
            header = Read(first);
            return true;
        }
        Span<byte> copy = stackalloc byte[Size];
        buffer.Slice(0, Size).CopyTo(copy);
        header = Read(copy);
        return true;
    }

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)PayloadLength;
        destination[1] = (byte)(PayloadLength >> 8);
        destination[2] = (byte)(PayloadLength >> 16);
        destination[3] = SequenceId;
    }
}
