using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Switchyard.Protocol.Primitives;

/// <summary>Builds one packet payload. Used for packets the proxy creates itself (handshakes, OK, ERR),
/// never for forwarded traffic, so a growable array is good enough.</summary>
public sealed class PayloadWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public PayloadWriter(int initialCapacity = 128) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    public int Length => _buffer.WrittenCount;
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.WrittenMemory;

    public PayloadWriter WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
        return this;
    }

    public PayloadWriter WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
        return this;
    }

    public PayloadWriter WriteUInt24(uint value)
    {
        var span = _buffer.GetSpan(3);
        span[0] = (byte)value;
        span[1] = (byte)(value >> 8);
        span[2] = (byte)(value >> 16);
        _buffer.Advance(3);
        return this;
    }

    public PayloadWriter WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public PayloadWriter WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    public PayloadWriter WriteLengthEncodedInteger(ulong value)
    {
        if (value < 0xFB)
            return WriteByte((byte)value);
        if (value <= 0xFFFF)
            return WriteByte(0xFC).WriteUInt16((ushort)value);
        if (value <= 0xFFFFFF)
            return WriteByte(0xFD).WriteUInt24((uint)value);
        return WriteByte(0xFE).WriteUInt64(value);
    }

    public PayloadWriter WriteBytes(ReadOnlySpan<byte> value)
    {
        _buffer.Write(value);
        return this;
    }

    public PayloadWriter WriteZeros(int count)
    {
        _buffer.GetSpan(count).Slice(0, count).Clear();
        _buffer.Advance(count);
        return this;
    }

    public PayloadWriter WriteLengthEncodedBytes(ReadOnlySpan<byte> value)
    {
        WriteLengthEncodedInteger((ulong)value.Length);
        return WriteBytes(value);
    }

    public PayloadWriter WriteLengthEncodedString(string value) => WriteLengthEncodedBytes(Encoding.UTF8.GetBytes(value));

    public PayloadWriter WriteNullTerminatedString(string value)
    {
        WriteBytes(Encoding.UTF8.GetBytes(value));
        return WriteByte(0);
    }

    public PayloadWriter WriteString(string value) => WriteBytes(Encoding.UTF8.GetBytes(value));

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
