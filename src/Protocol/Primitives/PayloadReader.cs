using System.Buffers.Binary;
using System.Text;

namespace Switchyard.Protocol.Primitives;

/// <summary>Reads MySQL wire primitives from one packet payload. Fails soft: reading past the end throws
/// <see cref="ProtocolException"/>, which callers turn into a protocol error for the peer.</summary>
/// See https://mariadb.com/kb/en/protocol-data-types/
public ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _offset;

    public PayloadReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _offset = 0;
    }

    public readonly int Offset => _offset;
    public readonly int Remaining => _buffer.Length - _offset;
    public readonly bool IsAtEnd => _offset >= _buffer.Length;

    /// <summary>Reads a length-encoded integer from the start of <paramref name="span"/> and slices it off, without
    /// throwing: false when the span is too short or the first byte is not an integer prefix (0xFB, 0xFF).</summary>
    public static bool TrySkipLengthEncodedInteger(ref ReadOnlySpan<byte> span, out ulong value)
    {
        value = 0;
        if (span.IsEmpty)
            return false;
        var first = span[0];
        int size = first switch { < 0xFB => 0, 0xFC => 2, 0xFD => 3, 0xFE => 8, _ => -1 };
        if (size < 0 || span.Length < 1 + size)
            return false;
        if (size == 0)
            value = first;
        else
            for (var i = size; i >= 1; i--)
                value = value << 8 | span[i];
        span = span[(1 + size)..];
        return true;
    }

    public byte ReadByte()
    {
        Require(1);
        return _buffer[_offset++];
    }

    public readonly byte PeekByte()
    {
        if (_offset >= _buffer.Length)
            throw new ProtocolException("unexpected end of packet");
        return _buffer[_offset];
    }

    public ushort ReadUInt16()
    {
        Require(2);
        var value = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(_offset));
        _offset += 2;
        return value;
    }

    public uint ReadUInt24()
    {
        Require(3);
        uint value = (uint)(_buffer[_offset] | (_buffer[_offset + 1] << 8) | (_buffer[_offset + 2] << 16));
        _offset += 3;
        return value;
    }

    public uint ReadUInt32()
    {
        Require(4);
        var value = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Slice(_offset));
        _offset += 4;
        return value;
    }

    public ulong ReadUInt64()
    {
        Require(8);
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.Slice(_offset));
        _offset += 8;
        return value;
    }

    /// <summary>Length-encoded integer. 0xFB (NULL) and 0xFF (ERR marker) are not integers here.</summary>
    public ulong ReadLengthEncodedInteger()
    {
        var first = ReadByte();
        return first switch
        {
            < 0xFB => first,
            0xFC => ReadUInt16(),
            0xFD => ReadUInt24(),
            0xFE => ReadUInt64(),
            _ => throw new ProtocolException($"invalid length-encoded integer prefix 0x{first:X2}"),
        };
    }

    public ReadOnlySpan<byte> ReadLengthEncodedBytes()
    {
        var length = ReadLengthEncodedInteger();
        if (length > (ulong)Remaining)
            throw new ProtocolException("length-encoded string runs past the end of the packet");
        return ReadBytes((int)length);
    }

    public string ReadLengthEncodedString() => Encoding.UTF8.GetString(ReadLengthEncodedBytes());

    public ReadOnlySpan<byte> ReadNullTerminatedBytes()
    {
        var rest = _buffer.Slice(_offset);
        var end = rest.IndexOf((byte)0);
        if (end < 0)
            throw new ProtocolException("missing NUL terminator");
        _offset += end + 1;
        return rest.Slice(0, end);
    }

    public string ReadNullTerminatedString() => Encoding.UTF8.GetString(ReadNullTerminatedBytes());

    /// <summary>A NUL-terminated string whose terminator is optional at the very end of the packet
    /// (some clients omit it on the last field).</summary>
    public ReadOnlySpan<byte> ReadNullTerminatedOrRestBytes()
    {
        var rest = _buffer.Slice(_offset);
        var end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            _offset = _buffer.Length;
            return rest;
        }
        _offset += end + 1;
        return rest.Slice(0, end);
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        Require(count);
        var slice = _buffer.Slice(_offset, count);
        _offset += count;
        return slice;
    }

    public ReadOnlySpan<byte> ReadRest()
    {
        var slice = _buffer.Slice(_offset);
        _offset = _buffer.Length;
        return slice;
    }

    public void Skip(int count)
    {
        Require(count);
        _offset += count;
    }

    private readonly void Require(int count)
    {
        if (count < 0 || _buffer.Length - _offset < count)
            throw new ProtocolException("unexpected end of packet");
    }
}
