using System.Buffers;

namespace Switchyard.Protocol.Tests.Support;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, as a PipeReader hands them out.</summary>
internal static class Sequences
{
    public static ReadOnlySequence<byte> Contiguous(byte[] bytes) => new(bytes);

    /// <summary>Every byte in its own segment: the worst case for code that peeks at headers.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(ReadOnlySpan<byte> bytes)
    {
        var chunks = new ReadOnlyMemory<byte>[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
            chunks[i] = new[] { bytes[i] };
        return FromChunks(chunks);
    }

    /// <summary>Cuts <paramref name="bytes"/> at the given offsets (sorted, duplicates and ends ignored).</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] bytes, params IEnumerable<long> cuts)
    {
        var chunks = new List<ReadOnlyMemory<byte>>();
        long start = 0;
        foreach (var cut in cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order())
        {
            chunks.Add(bytes.AsMemory((int)start, (int)(cut - start)));
            start = cut;
        }
        chunks.Add(bytes.AsMemory((int)start));
        return FromChunks(chunks);
    }

    public static ReadOnlySequence<byte> FromChunks(IReadOnlyList<ReadOnlyMemory<byte>> chunks)
    {
        if (chunks.Count == 0)
            return ReadOnlySequence<byte>.Empty;
        var first = new Segment(chunks[0], 0);
        var last = first;
        for (var i = 1; i < chunks.Count; i++)
            last = last.Append(chunks[i]);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Offset of <paramref name="position"/> from the start of <paramref name="sequence"/>.</summary>
    public static long OffsetOf(in ReadOnlySequence<byte> sequence, SequencePosition position) =>
        sequence.Slice(sequence.Start, position).Length;

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
