using System.Buffers;

namespace Switchyard.Protocol.Framing;

/// <summary>Pure framing over buffered bytes. "Not enough data yet" is a false return, never an exception.</summary>
public static class PacketFramer
{
    /// <summary>Reads one whole physical packet. The payload is a slice of the input (no copy).</summary>
    public static bool TryReadPacket(ref ReadOnlySequence<byte> buffer, out PacketHeader header, out ReadOnlySequence<byte> payload)
    {
        if (!PacketHeader.TryPeek(buffer, out header) || buffer.Length < PacketHeader.Size + header.PayloadLength)
        {
            payload = default;
            return false;
        }
        payload = buffer.Slice(PacketHeader.Size, header.PayloadLength);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    /// <summary>Reads one logical packet (a payload split at 16 MiB is joined) into a new array. Only for small
    /// control packets the proxy has to decode; forwarded traffic is never joined.</summary>
    public static bool TryReadLogicalPacket(ref ReadOnlySequence<byte> buffer, int maxPayloadLength, out byte firstSequenceId, out byte lastSequenceId, out byte[]? payload)
    {
        firstSequenceId = lastSequenceId = 0;
        payload = null;
        var cursor = buffer;
        long total = 0;
        var first = true;
        while (true)
        {
            if (!PacketHeader.TryPeek(cursor, out var header))
                return false;
            // Check the limit on the header, before waiting for the payload: otherwise a peer announcing a 16 MiB
            // packet makes the caller buffer all of it before it is rejected.
            total += header.PayloadLength;
            if (total > maxPayloadLength)
                throw new PacketTooLargeException(total, maxPayloadLength);
            if (cursor.Length < PacketHeader.Size + header.PayloadLength)
                return false;
            if (first)
                firstSequenceId = header.SequenceId;
            first = false;
            lastSequenceId = header.SequenceId;
            cursor = cursor.Slice(PacketHeader.Size + header.PayloadLength);
            if (!header.HasContinuation)
                break;
        }

        var result = new byte[total];
        var written = 0;
        var reader = buffer;
        while (written < total || reader.Length > cursor.Length)
        {
            PacketHeader.TryPeek(reader, out var header);
            reader.Slice(PacketHeader.Size, header.PayloadLength).CopyTo(result.AsSpan(written));
            written += header.PayloadLength;
            reader = reader.Slice(PacketHeader.Size + header.PayloadLength);
            if (!header.HasContinuation)
                break;
        }
        buffer = cursor;
        payload = result;
        return true;
    }

    /// <summary>Writes a payload as one or more packets (split at 16 MiB, with an empty trailer when the
    /// payload is an exact multiple). Returns the next sequence id.</summary>
    public static byte WritePacket(IBufferWriter<byte> output, ReadOnlySpan<byte> payload, byte sequenceId)
    {
        while (true)
        {
            var chunk = Math.Min(payload.Length, PacketHeader.MaxPayloadLength);
            var span = output.GetSpan(PacketHeader.Size + chunk);
            new PacketHeader(chunk, sequenceId++).Write(span);
            payload.Slice(0, chunk).CopyTo(span.Slice(PacketHeader.Size));
            output.Advance(PacketHeader.Size + chunk);
            payload = payload.Slice(chunk);
            if (chunk < PacketHeader.MaxPayloadLength)
                return sequenceId;
        }
    }
}
