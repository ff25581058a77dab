namespace Switchyard.Protocol.Tests.Support;

/// <summary>Hand-rolled framing for building test input, independent of the PacketFramer under test.</summary>
internal static class Packets
{
    public const int Max = 0xFFFFFF;

    /// <summary>One physical packet: 3-byte little-endian length, sequence id, payload.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload, byte sequenceId)
    {
        if (payload.Length > Max)
            throw new ArgumentException("one physical packet holds at most 0xFFFFFF bytes");
        var packet = new byte[4 + payload.Length];
        packet[0] = (byte)payload.Length;
        packet[1] = (byte)(payload.Length >> 8);
        packet[2] = (byte)(payload.Length >> 16);
        packet[3] = sequenceId;
        payload.CopyTo(packet.AsSpan(4));
        return packet;
    }

    /// <summary>A logical payload split the way the protocol prescribes: 0xFFFFFF-byte chunks, and an empty
    /// trailer when the payload is an exact multiple. Sequence ids count up from <paramref name="sequenceId"/>.</summary>
    public static List<byte[]> FrameSplit(ReadOnlySpan<byte> payload, byte sequenceId)
    {
        var packets = new List<byte[]>();
        while (true)
        {
            var chunk = Math.Min(payload.Length, Max);
            packets.Add(Frame(payload[..chunk], sequenceId++));
            payload = payload[chunk..];
            if (chunk < Max)
                return packets;
        }
    }

    public static byte[] Concat(params IEnumerable<byte[]> parts)
    {
        var list = parts.ToList();
        var result = new byte[list.Sum(p => (long)p.Length)];
        var offset = 0;
        foreach (var p in list)
        {
            p.CopyTo(result, offset);
            offset += p.Length;
        }
        return result;
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));

    /// <summary>Splits a byte stream back into physical packets (test-side, trusting the headers).</summary>
    public static List<byte[]> Physical(byte[] stream)
    {
        var result = new List<byte[]>();
        var offset = 0;
        while (offset < stream.Length)
        {
            var length = stream[offset] | (stream[offset + 1] << 8) | (stream[offset + 2] << 16);
            result.Add(stream.AsSpan(offset, 4 + length).ToArray());
            offset += 4 + length;
        }
        return result;
    }
}
