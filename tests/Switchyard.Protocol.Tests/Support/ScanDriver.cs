using System.Buffers;
using Switchyard.Protocol.Responses;

namespace Switchyard.Protocol.Tests.Support;

/// <summary>What a scan produced: each non-NeedMoreData status with the absolute offset it was reported at,
/// the offset scanning stopped at, and the scanner's final state.</summary>
internal sealed record ScanOutcome(List<(ScanStatus Status, long Offset)> Events, long StoppedAt, ResponseScanner Scanner)
{
    public IEnumerable<ScanStatus> Statuses => Events.Select(e => e.Status);
}

/// <summary>Drives a <see cref="ResponseScanner"/> the way the proxy does: scan what is buffered, keep what was
/// not consumed, add what arrives next, and resume after a LOCAL INFILE request.</summary>
internal static class ScanDriver
{
    /// <summary>Everything is buffered at once (in whatever segments <paramref name="buffer"/> has).</summary>
    public static ScanOutcome ScanAll(ReadOnlySequence<byte> buffer, ResponseShape shape, bool deprecateEof)
    {
        var scanner = new ResponseScanner();
        scanner.Start(shape, deprecateEof);
        var events = new List<(ScanStatus, long)>();
        long offset = 0;
        var remaining = buffer;
        while (true)
        {
            var status = scanner.Scan(remaining, out var consumed);
            var used = Sequences.OffsetOf(remaining, consumed);
            Assert.InRange(used, 0, remaining.Length);
            offset += used;
            remaining = remaining.Slice(consumed);
            if (status == ScanStatus.NeedMoreData)
                break;
            events.Add((status, offset));
            if (status == ScanStatus.Complete)
                break;
            scanner.ResumeAfterLocalInfile();
        }
        return new ScanOutcome(events, offset, scanner);
    }

    /// <summary>
    /// Bytes arrive in chunks of <paramref name="chunkSize"/>(offset) bytes. Each Scan sees exactly the bytes not
    /// consumed so far plus the new chunk; the consumed position must stay inside what it was given. Stops at
    /// Complete, so bytes after the response are never handed over past that point.
    /// </summary>
    public static ScanOutcome Feed(byte[] bytes, Func<long, int> chunkSize, ResponseShape shape, bool deprecateEof, bool oneBytePerSegment = false)
    {
        var scanner = new ResponseScanner();
        scanner.Start(shape, deprecateEof);
        var events = new List<(ScanStatus, long)>();
        long start = 0, fed = 0;
        while (fed < bytes.Length)
        {
            fed = Math.Min(bytes.Length, fed + Math.Max(1, chunkSize(fed)));
            while (true)
            {
                var pending = bytes.AsMemory((int)start, (int)(fed - start));
                var buffer = oneBytePerSegment ? Sequences.OneBytePerSegment(pending.Span) : new ReadOnlySequence<byte>(pending);
                var status = scanner.Scan(buffer, out var consumed);
                var used = Sequences.OffsetOf(buffer, consumed);
                Assert.InRange(used, 0, buffer.Length);
                start += used;
                if (status == ScanStatus.NeedMoreData)
                    break;
                events.Add((status, start));
                if (status == ScanStatus.Complete)
                    return new ScanOutcome(events, start, scanner);
                scanner.ResumeAfterLocalInfile();
            }
        }
        return new ScanOutcome(events, start, scanner);
    }

    /// <summary>One byte at a time within <paramref name="radius"/> bytes of each packet boundary of the stream,
    /// big chunks elsewhere: the boundaries are where a scanner can go wrong.</summary>
    public static Func<long, int> FineNearBoundaries(byte[] stream, int radius, int coarse)
    {
        var boundaries = new List<long>();
        long offset = 0;
        while (offset + 4 <= stream.Length)
        {
            boundaries.Add(offset);
            offset += 4 + (stream[offset] | (stream[offset + 1] << 8) | (stream[offset + 2] << 16));
        }
        boundaries.Add(stream.Length);
        return fed =>
        {
            var next = boundaries.FirstOrDefault(b => b + radius >= fed, long.MaxValue);
            if (next == long.MaxValue || fed >= next - radius)
                return 1;
            return (int)Math.Min(coarse, next - radius - fed);
        };
    }
}
