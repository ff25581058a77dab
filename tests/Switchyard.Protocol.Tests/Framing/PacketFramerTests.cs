using System.Buffers;
using Switchyard.Protocol.Framing;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.Framing;

public sealed class PacketFramerTests
{
    private const int Max = PacketHeader.MaxPayloadLength;

    /// <summary>Packets of 0, 1, 5, 250 and 300 bytes with sequence ids 0, 1, 2, 3, 255.</summary>
    private static readonly (byte[] Payload, byte Seq)[] Several =
    [
        ([], 0),
        ([0x0E], 1),
        ([0x03, (byte)'S', (byte)'E', (byte)'L', 0xFF], 2),
        (Enumerable.Range(0, 250).Select(i => (byte)i).ToArray(), 3),
        (Enumerable.Range(0, 300).Select(i => (byte)(i * 7)).ToArray(), 255),
    ];

    private static byte[] SeveralBytes() => Packets.Concat(Several.Select(p => Packets.Frame(p.Payload, p.Seq)));

    [Fact]
    public void TryReadPacket_EveryPrefixOfSeveralPackets_ReadsOnlyTheCompletePacketsAndNeverThrows()
    {
        var bytes = SeveralBytes();
        var ends = new List<int>();
        var end = 0;
        foreach (var (payload, _) in Several)
            ends.Add(end += 4 + payload.Length);

        for (var length = 0; length <= bytes.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);
            var read = 0;
            while (PacketFramer.TryReadPacket(ref buffer, out var header, out var payload))
            {
                Assert.Equal(Several[read].Seq, header.SequenceId);
                Assert.Equal(Several[read].Payload, payload.ToArray());
                read++;
            }
            var complete = ends.Count(e => e <= length);
            Assert.Equal(complete, read);
            // What is left starts at the first incomplete packet.
            Assert.Equal(length - (complete == 0 ? 0 : ends[complete - 1]), buffer.Length);
        }
    }

    [Fact]
    public void TryReadPacket_OneBytePerSegment_ReadsTheSamePacketsAsContiguousInput()
    {
        var buffer = Sequences.OneBytePerSegment(SeveralBytes());

        foreach (var (expectedPayload, expectedSeq) in Several)
        {
            Assert.True(PacketFramer.TryReadPacket(ref buffer, out var header, out var payload));
            Assert.Equal(expectedSeq, header.SequenceId);
            Assert.Equal(expectedPayload.Length, header.PayloadLength);
            Assert.Equal(expectedPayload, payload.ToArray());
        }
        Assert.True(buffer.IsEmpty);
        Assert.False(PacketFramer.TryReadPacket(ref buffer, out _, out _));
    }

    [Fact]
    public void TryReadPacket_EveryPrefixOneBytePerSegment_NeverThrows()
    {
        var bytes = SeveralBytes();
        for (var length = 0; length <= bytes.Length; length++)
        {
            var buffer = Sequences.OneBytePerSegment(bytes.AsSpan(0, length));
            var read = 0;
            while (PacketFramer.TryReadPacket(ref buffer, out _, out _))
                read++;
            Assert.InRange(read, 0, Several.Length);
        }
    }

    [Fact]
    public void TryReadPacket_PayloadOfExactlyMaxLength_IsOnePhysicalPacketThatContinues()
    {
        var bytes = Packets.Concat([.. Packets.FrameSplit(new byte[Max], 7)]);
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.True(PacketFramer.TryReadPacket(ref buffer, out var first, out var payload));
        Assert.True(first.HasContinuation);
        Assert.Equal(Max, payload.Length);
        Assert.True(PacketFramer.TryReadPacket(ref buffer, out var trailer, out var empty));
        Assert.False(trailer.HasContinuation);
        Assert.Equal(8, trailer.SequenceId);
        Assert.True(empty.IsEmpty);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryReadLogicalPacket_EveryPrefixOfSeveralPackets_FalseUntilEachIsCompleteAndNeverThrows()
    {
        var bytes = SeveralBytes();
        for (var length = 0; length <= bytes.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);
            var offset = 0;
            var read = 0;
            while (PacketFramer.TryReadLogicalPacket(ref buffer, 1024, out var firstSeq, out var lastSeq, out var payload))
            {
                Assert.Equal(Several[read].Payload, payload);
                Assert.Equal(Several[read].Seq, firstSeq);
                Assert.Equal(Several[read].Seq, lastSeq);
                offset += 4 + Several[read].Payload.Length;
                read++;
            }
            Assert.True(offset <= length);
            Assert.Equal(length - offset, buffer.Length);
            if (read < Several.Length)
                Assert.True(length < offset + 4 + Several[read].Payload.Length);
        }
    }

    [Fact]
    public void TryReadLogicalPacket_OneBytePerSegment_ReadsAllPackets()
    {
        var buffer = Sequences.OneBytePerSegment(SeveralBytes());

        foreach (var (expected, seq) in Several)
        {
            Assert.True(PacketFramer.TryReadLogicalPacket(ref buffer, 1024, out var firstSeq, out _, out var payload));
            Assert.Equal(expected, payload);
            Assert.Equal(seq, firstSeq);
        }
        Assert.True(buffer.IsEmpty);
    }

    public static TheoryData<int, int> SplitPayloads => new()
    {
        // payload length, physical packets
        { Max - 1, 1 },
        { Max, 2 },          // exactly 0xFFFFFF: an empty trailer packet follows
        { Max + 1, 2 },
        { 2 * Max, 3 },      // two full packets and an empty trailer
        { 2 * Max + 3, 3 },
    };

    [Theory]
    [MemberData(nameof(SplitPayloads))]
    public void WritePacket_LargePayload_SplitsAt0xFFFFFFWithConsecutiveSequenceIds(int length, int physical)
    {
        var payload = Pattern(length);
        var output = new ArrayBufferWriter<byte>();

        var next = PacketFramer.WritePacket(output, payload, 254);

        Assert.Equal((byte)(254 + physical), next);
        var written = output.WrittenSpan.ToArray();
        Assert.Equal(Packets.Concat([.. Packets.FrameSplit(payload, 254)]), written);
        var headers = Packets.Physical(written).Select(p => PacketHeader.Read(p)).ToList();
        Assert.Equal(physical, headers.Count);
        Assert.Equal(Enumerable.Range(0, physical).Select(i => (byte)(254 + i)), headers.Select(h => h.SequenceId));
        Assert.All(headers.SkipLast(1), h => Assert.Equal(Max, h.PayloadLength));
        Assert.Equal(length % Max, headers[^1].PayloadLength);
    }

    [Theory]
    [MemberData(nameof(SplitPayloads))]
    public void TryReadLogicalPacket_LargePayload_JoinsPhysicalPacketsIncludingAnEmptyTrailer(int length, int physical)
    {
        var payload = Pattern(length);
        var bytes = Packets.Concat([.. Packets.FrameSplit(payload, 9), Packets.Frame([0x42], 0)]);
        // Segment boundaries one byte apart around every header.
        var cuts = Enumerable.Range(0, physical + 1).SelectMany(i => Enumerable.Range(-2, 8).Select(d => (long)i * (Max + 4) + d));
        foreach (var buffer0 in new[] { new ReadOnlySequence<byte>(bytes), Sequences.SplitAt(bytes, cuts) })
        {
            var buffer = buffer0;
            Assert.True(PacketFramer.TryReadLogicalPacket(ref buffer, 3 * Max, out var firstSeq, out var lastSeq, out var joined));

            Assert.Equal(9, firstSeq);
            Assert.Equal(9 + physical - 1, lastSeq);
            Assert.True(payload.AsSpan().SequenceEqual(joined));
            Assert.Equal(5, buffer.Length); // the packet after it is untouched
        }
    }

    [Theory]
    [MemberData(nameof(SplitPayloads))]
    public void TryReadLogicalPacket_PrefixesAroundEveryHeaderOfALargePayload_FalseUntilComplete(int length, int physical)
    {
        var bytes = Packets.Concat([.. Packets.FrameSplit(Pattern(length), 0)]);
        var prefixes = Enumerable.Range(0, physical + 1)
            .SelectMany(i => Enumerable.Range(-2, 8).Select(d => (long)i * (Max + 4) + d))
            .Where(p => p >= 0 && p < bytes.Length);

        foreach (var prefix in prefixes)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, (int)prefix);
            Assert.False(PacketFramer.TryReadLogicalPacket(ref buffer, 3 * Max, out _, out _, out var payload));
            Assert.Null(payload);
            Assert.Equal(prefix, buffer.Length);
        }
    }

    [Fact]
    public void WritePacket_EmptyPayload_WritesOneEmptyPacket()
    {
        var output = new ArrayBufferWriter<byte>();

        var next = PacketFramer.WritePacket(output, [], 3);

        Assert.Equal(4, next);
        Assert.Equal(Packets.Hex("00000003"), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void WritePacket_SmallPayload_ThenTryReadPacket_RoundTrips()
    {
        var output = new ArrayBufferWriter<byte>();
        var seq = PacketFramer.WritePacket(output, [0x03, 0x41], 0);
        PacketFramer.WritePacket(output, [0x0E], seq);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);

        Assert.True(PacketFramer.TryReadPacket(ref buffer, out var h1, out var p1));
        Assert.True(PacketFramer.TryReadPacket(ref buffer, out var h2, out var p2));

        Assert.Equal(new PacketHeader(2, 0), h1);
        Assert.Equal(new PacketHeader(1, 1), h2);
        Assert.Equal(new byte[] { 0x03, 0x41 }, p1.ToArray());
        Assert.Equal(new byte[] { 0x0E }, p2.ToArray());
    }

    [Fact]
    public void TryReadLogicalPacket_PayloadAtTheLimit_Succeeds()
    {
        var buffer = new ReadOnlySequence<byte>(Packets.Frame(new byte[100], 0));

        Assert.True(PacketFramer.TryReadLogicalPacket(ref buffer, 100, out _, out _, out var payload));
        Assert.Equal(100, payload!.Length);
    }

    [Fact]
    public void TryReadLogicalPacket_PayloadPastTheLimit_ThrowsPacketTooLarge()
    {
        var buffer = new ReadOnlySequence<byte>(Packets.Frame(new byte[101], 0));

        var error = Assert.Throws<PacketTooLargeException>(() => PacketFramer.TryReadLogicalPacket(ref buffer, 100, out _, out _, out _));

        Assert.Equal(101, error.Length);
        Assert.Equal(100, error.Limit);
    }

    [Fact]
    public void TryReadLogicalPacket_HeaderAnnouncesMoreThanTheLimit_ThrowsBeforeThePayloadArrives()
    {
        // Only the 4-byte header of a 16 MiB packet is buffered: rejecting it must not wait for 16 MiB.
        var header = Packets.Hex("ffffff01");

        for (var length = 0; length < 4; length++)
        {
            var partial = new ReadOnlySequence<byte>(header, 0, length);
            Assert.False(PacketFramer.TryReadLogicalPacket(ref partial, 1024, out _, out _, out _));
        }
        var buffer = Sequences.OneBytePerSegment(header);
        var error = Assert.Throws<PacketTooLargeException>(() => PacketFramer.TryReadLogicalPacket(ref buffer, 1024, out _, out _, out _));
        Assert.Equal(Max, error.Length);
    }

    [Fact]
    public void TryReadLogicalPacket_SplitPayloadWhoseTotalPassesTheLimit_ThrowsPacketTooLarge()
    {
        var bytes = Packets.Concat([.. Packets.FrameSplit(new byte[Max + 1], 0)]);

        var error = Assert.Throws<PacketTooLargeException>(() =>
        {
            var buffer = new ReadOnlySequence<byte>(bytes);
            return PacketFramer.TryReadLogicalPacket(ref buffer, Max, out _, out _, out _);
        });

        Assert.Equal(Max + 1, error.Length);
        Assert.Equal(Max, error.Limit);
    }

    private static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
            bytes[i] = (byte)(i * 31 + (i >> 16));
        return bytes;
    }
}
