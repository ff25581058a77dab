namespace Switchyard.Routing.Consistency;

/// <summary>
/// Remembers the last write of each application user key, across all the connections that user is served on.
/// Bounded: entries older than the expiry are forgotten (a write that old is on every healthy replica), and beyond
/// the capacity the least recently written keys are evicted (counted in <see cref="Evictions"/>). Sized for a
/// million active users: a few dozen bytes per entry beyond the key, no lock shared by all readers.
/// Thread-safe.
/// </summary>
/// <remarks>Keys are spread over shards, each with its own lock and its own write-ordered list. The capacity is
/// global (one counter), but a write beyond it evicts the oldest key of the writer's own shard: with keys spread
/// evenly that is close to the globally oldest, and no writer ever holds two locks. The count may briefly exceed
/// the capacity by up to one key per shard.</remarks>
internal sealed class WriteTracker
{
    // Below this many keys per shard, sharding buys nothing but a less exact eviction order.
    private const int MinKeysPerShard = 4096;
    private const int MaxShards = 64;

    private readonly WriteTrackerShard[] _shards;
    private readonly int _capacity;
    private readonly long _expiryTicks;
    private readonly TimeProvider _time;
    private int _count;
    private long _evictions;

    public WriteTracker(int capacity, TimeSpan expiry, TimeProvider time)
        : this(capacity, expiry, time, DefaultShardCount(capacity))
    {
    }

    /// <param name="shardCount">How many locks the keys are spread over (a power of two is not required).</param>
    public WriteTracker(int capacity, TimeSpan expiry, TimeProvider time, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(expiry, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ArgumentNullException.ThrowIfNull(time);
        _capacity = capacity;
        _time = time;
        double ticks = expiry.TotalSeconds * time.TimestampFrequency;
        _expiryTicks = ticks >= long.MaxValue ? long.MaxValue : (long)ticks;
        _shards = new WriteTrackerShard[shardCount];
        for (int i = 0; i < shardCount; i++)
        {
            _shards[i] = new WriteTrackerShard();
        }
    }

    /// <summary>Records a committed write of <paramref name="userKey"/>. GTIDs accumulate (union with the previous
    /// unexpired mark) so that writes in several domains are all waited for.</summary>
    /// <remarks>A write whose GTID is unknown (null) leaves the mark without a GTID until the key expires or is
    /// evicted: the earlier GTIDs no longer describe every write, so readers fall back to the time rule.</remarks>
    public void RecordWrite(string userKey, GtidSet? gtid)
    {
        long now = _time.GetTimestamp();
        var shard = ShardOf(userKey);
        int change = shard.Record(userKey, gtid, now, _expiryTicks);
        if (change != 0 && Interlocked.Add(ref _count, change) > _capacity)
        {
            int evicted = shard.EvictOldest(now, _expiryTicks);
            if (evicted != 0)
            {
                Interlocked.Decrement(ref _count);
            }

            if (evicted > 0)
            {
                Interlocked.Increment(ref _evictions);
            }
        }
    }

    /// <summary>The key's last write, if one is remembered and not expired.</summary>
    public bool TryGetLastWrite(string userKey, out WriteMark mark)
    {
        bool found = ShardOf(userKey).TryGet(userKey, _time.GetTimestamp(), _expiryTicks, out mark, out bool removed);
        if (removed)
        {
            Interlocked.Decrement(ref _count);
        }

        return found;
    }

    /// <summary>Drops every expired key now rather than when writes or reads come across them (a periodic sweep
    /// keeps memory down after a burst of users who then went quiet). Returns how many were dropped.</summary>
    public int RemoveExpired()
    {
        long now = _time.GetTimestamp();
        int removed = 0;
        foreach (var shard in _shards)
        {
            removed += shard.RemoveExpired(now, _expiryTicks);
        }

        Interlocked.Add(ref _count, -removed);
        return removed;
    }

    /// <summary>Keys currently remembered.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Keys dropped because the capacity was reached (not counting expiry).</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    private static int DefaultShardCount(int capacity) => Math.Clamp(capacity / MinKeysPerShard, 1, MaxShards);

    private WriteTrackerShard ShardOf(string key) =>
        _shards.Length == 1 ? _shards[0] : _shards[(int)((uint)key.GetHashCode() % (uint)_shards.Length)];
}
