using System.Collections.Concurrent;
using System.Text;

namespace Switchyard.Proxy.Digests;

/// <summary>What /digests sorts by.</summary>
internal enum DigestOrder : byte
{
    TotalTime,
    Count,
    Errors,
    MaxTime,
}

/// <summary>
/// Per-digest statement statistics of the whole proxy. Bounded: once <c>capacity</c> distinct digests are known,
/// statements of new shapes are counted under one overflow entry (hash 0), so an application that builds SQL with
/// unbounded shapes cannot grow the proxy's memory.
/// </summary>
internal sealed class DigestStatistics(int capacity)
{
    private readonly ConcurrentDictionary<ulong, DigestEntry> _entries = new();

    /// <summary>Statements whose digest arrived after the table was full.</summary>
    public DigestEntry Overflow { get; } = new(0, "(digests beyond the limit)");

    public int Capacity => capacity;
    public int Count => _entries.Count;

    /// <summary>The entry for a digest; <paramref name="text"/> (UTF-8) is only turned into a string the first
    /// time a digest is seen.</summary>
    public DigestEntry Find(ulong hash, ReadOnlySpan<byte> text)
    {
        if (_entries.TryGetValue(hash, out var entry))
            return entry;
        if (_entries.Count >= capacity)
            return Overflow;
        return _entries.GetOrAdd(hash, static (h, t) => new DigestEntry(h, t), Encoding.UTF8.GetString(text));
    }

    /// <summary>The <paramref name="count"/> heaviest digests by <paramref name="order"/>, plus the overflow entry
    /// when it has counted anything.</summary>
    public IReadOnlyList<DigestEntry> Top(int count, DigestOrder order)
    {
        IEnumerable<DigestEntry> all = _entries.Values;
        if (Overflow.Count > 0)
            all = all.Append(Overflow);
        IEnumerable<DigestEntry> sorted = order switch
        {
            DigestOrder.Count => all.OrderByDescending(e => e.Count),
            DigestOrder.Errors => all.OrderByDescending(e => e.Errors).ThenByDescending(e => e.Count),
            DigestOrder.MaxTime => all.OrderByDescending(e => e.MaxTime),
            _ => all.OrderByDescending(e => e.TotalTime),
        };
        return sorted.Take(Math.Max(0, count)).ToList();
    }
}
