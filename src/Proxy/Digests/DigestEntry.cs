using System.Diagnostics;

namespace Switchyard.Proxy.Digests;

/// <summary>Running totals of one digest. Updated with interlocked operations by every session that runs a
/// statement of that shape; read (slightly torn, which is fine for statistics) by /digests and /metrics.</summary>
internal sealed class DigestEntry(ulong hash, string text)
{
    private long _count;
    private long _errors;
    private long _totalTicks;
    private long _maxTicks;
    private long _primary;
    private long _replica;
    /// <summary>A <see cref="Stopwatch"/> timestamp: the caller has just read the clock, so recording reads none.</summary>
    private long _lastSeen = Stopwatch.GetTimestamp();

    public ulong Hash { get; } = hash;
    /// <summary>The normalised statement (cut at the digest length limit).</summary>
    public string Text { get; } = text;
    public DateTimeOffset FirstSeen { get; } = DateTimeOffset.UtcNow;

    public long Count => Volatile.Read(ref _count);
    public long Errors => Volatile.Read(ref _errors);
    public TimeSpan TotalTime => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _totalTicks));
    public TimeSpan MaxTime => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _maxTicks));
    public long OnPrimary => Volatile.Read(ref _primary);
    public long OnReplicas => Volatile.Read(ref _replica);
    public DateTimeOffset LastSeen => DateTimeOffset.UtcNow - Stopwatch.GetElapsedTime(Volatile.Read(ref _lastSeen));

    /// <summary>A statement of this shape that a rule blocked: counted as an error, on no backend.</summary>
    public void RecordBlocked()
    {
        Interlocked.Increment(ref _count);
        Interlocked.Increment(ref _errors);
        Volatile.Write(ref _lastSeen, Stopwatch.GetTimestamp());
    }

    /// <param name="elapsedTicks">Time through the proxy, in <see cref="Stopwatch"/> ticks.</param>
    /// <param name="finished">When the statement finished (<see cref="Stopwatch.GetTimestamp"/>).</param>
    public void Record(bool onReplica, long elapsedTicks, bool error, long finished)
    {
        Interlocked.Increment(ref _count);
        if (error)
            Interlocked.Increment(ref _errors);
        Interlocked.Increment(ref onReplica ? ref _replica : ref _primary);
        Interlocked.Add(ref _totalTicks, elapsedTicks);
        var max = Volatile.Read(ref _maxTicks);
        while (elapsedTicks > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxTicks, elapsedTicks, max);
            if (seen == max)
                break;
            max = seen;
        }
        Volatile.Write(ref _lastSeen, finished);
    }
}
