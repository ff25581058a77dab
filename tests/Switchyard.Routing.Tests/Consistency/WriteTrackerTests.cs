using Switchyard.Routing.Consistency;
using Switchyard.Routing.Tests.Support;
using Xunit.Abstractions;

namespace Switchyard.Routing.Tests.Consistency;

[Collection(MemoryMeasurement.Name)]
public sealed class WriteTrackerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(5);
    private readonly ManualTimeProvider _time = new();

    private WriteTracker Tracker(int capacity = 100, int? shards = null) =>
        shards is { } count ? new WriteTracker(capacity, Expiry, _time, count) : new WriteTracker(capacity, Expiry, _time);

    [Fact]
    public void TryGetLastWrite_UnknownKey_IsFalse()
    {
        Assert.False(Tracker().TryGetLastWrite("alice", out var mark));
        Assert.Equal(default, mark);
    }

    [Fact]
    public void RecordWrite_ThenTryGet_ReturnsTimestampAndTheSameGtidInstance()
    {
        var tracker = Tracker();
        var gtid = GtidSet.Parse("0-1-100");

        tracker.RecordWrite("alice", gtid);

        Assert.True(tracker.TryGetLastWrite("alice", out var mark));
        Assert.Equal(_time.GetTimestamp(), mark.Timestamp);
        Assert.Same(gtid, mark.Gtid);
        Assert.Equal(1, tracker.Count);
        Assert.False(tracker.TryGetLastWrite("bob", out _));
    }

    [Fact]
    public void RecordWrite_AgainLater_MovesTheTimestamp()
    {
        var tracker = Tracker();
        tracker.RecordWrite("alice", null);
        _time.Advance(TimeSpan.FromSeconds(3));

        tracker.RecordWrite("alice", null);

        Assert.True(tracker.TryGetLastWrite("alice", out var mark));
        Assert.Equal(_time.GetTimestamp(), mark.Timestamp);
        Assert.Equal(1, tracker.Count);
    }

    [Fact]
    public void RecordWrite_GtidsInSeveralDomains_Accumulate()
    {
        var tracker = Tracker();
        tracker.RecordWrite("alice", GtidSet.Parse("0-1-100"));
        tracker.RecordWrite("alice", GtidSet.Parse("1-2-7"));
        tracker.RecordWrite("alice", GtidSet.Parse("0-1-101"));

        Assert.True(tracker.TryGetLastWrite("alice", out var mark));
        Assert.Equal(GtidSet.Parse("0-1-101,1-2-7"), mark.Gtid);
    }

    [Fact]
    public void RecordWrite_MySqlGtids_UniteIntervals()
    {
        const string uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        var tracker = Tracker();
        tracker.RecordWrite("alice", GtidSet.Parse(uuid + ":5"));
        tracker.RecordWrite("alice", GtidSet.Parse(uuid + ":9"));

        Assert.True(tracker.TryGetLastWrite("alice", out var mark));
        Assert.Equal(uuid + ":5:9", mark.Gtid!.ToString());
    }

    [Fact]
    public void RecordWrite_NewerGtidContainingTheOld_SharesTheNewInstance()
    {
        var tracker = Tracker();
        var newer = GtidSet.Parse("0-1-101");
        tracker.RecordWrite("alice", GtidSet.Parse("0-1-100"));

        tracker.RecordWrite("alice", newer);

        Assert.True(tracker.TryGetLastWrite("alice", out var mark));
        Assert.Same(newer, mark.Gtid);
    }

    [Fact]
    public void RecordWrite_UnknownGtid_DropsTheAccumulatedGtid()
    {
        var tracker = Tracker();
        tracker.RecordWrite("alice", GtidSet.Parse("0-1-100"));
        tracker.RecordWrite("alice", null);
        tracker.RecordWrite("alice", GtidSet.Parse("0-1-105"));

        Assert.True(tracker.TryGetLastWrite("alice", out var mark));
        Assert.Null(mark.Gtid);
    }

    [Fact]
    public void RecordWrite_AfterExpiry_StartsAFreshMark()
    {
        var tracker = Tracker();
        tracker.RecordWrite("alice", GtidSet.Parse("1-1-1"));
        tracker.RecordWrite("alice", null);
        _time.Advance(Expiry);

        var gtid = GtidSet.Parse("0-1-100");
        tracker.RecordWrite("alice", gtid);

        Assert.True(tracker.TryGetLastWrite("alice", out var mark));
        Assert.Same(gtid, mark.Gtid);
        Assert.Equal(1, tracker.Count);
    }

    [Fact]
    public void TryGetLastWrite_JustBeforeExpiry_IsFound_AtExpiry_IsGoneAndRemoved()
    {
        var tracker = Tracker();
        tracker.RecordWrite("alice", null);

        _time.Advance(Expiry - TimeSpan.FromTicks(1));
        Assert.True(tracker.TryGetLastWrite("alice", out _));

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.False(tracker.TryGetLastWrite("alice", out _));
        Assert.Equal(0, tracker.Count);
        Assert.Equal(0, tracker.Evictions);
    }

    [Fact]
    public void RecordWrite_DropsExpiredKeysOfItsShardOnTheWay()
    {
        var tracker = Tracker(shards: 1);
        tracker.RecordWrite("a", null);
        tracker.RecordWrite("b", null);
        _time.Advance(Expiry);

        tracker.RecordWrite("c", null);

        Assert.Equal(1, tracker.Count);
        Assert.Equal(0, tracker.Evictions);
    }

    [Fact]
    public void RemoveExpired_DropsOnlyExpiredKeys()
    {
        var tracker = Tracker(shards: 4);
        for (int i = 0; i < 20; i++)
        {
            tracker.RecordWrite($"old{i}", null);
        }

        _time.Advance(Expiry / 2);
        for (int i = 0; i < 5; i++)
        {
            tracker.RecordWrite($"new{i}", null);
        }

        _time.Advance(Expiry / 2);

        Assert.Equal(20, tracker.RemoveExpired());
        Assert.Equal(5, tracker.Count);
        Assert.True(tracker.TryGetLastWrite("new0", out _));
        Assert.Equal(0, tracker.Evictions);
    }

    [Fact]
    public void RecordWrite_BeyondCapacity_EvictsTheLeastRecentlyWritten()
    {
        var tracker = Tracker(capacity: 3);
        tracker.RecordWrite("a", null);
        tracker.RecordWrite("b", null);
        tracker.RecordWrite("c", null);
        tracker.RecordWrite("a", null); // a is now the most recent; b the least

        tracker.RecordWrite("d", null);

        Assert.Equal(3, tracker.Count);
        Assert.Equal(1, tracker.Evictions);
        Assert.False(tracker.TryGetLastWrite("b", out _));
        Assert.True(tracker.TryGetLastWrite("a", out _));
        Assert.True(tracker.TryGetLastWrite("c", out _));
        Assert.True(tracker.TryGetLastWrite("d", out _));
    }

    [Fact]
    public void RecordWrite_ReadsDoNotRefreshRecency()
    {
        var tracker = Tracker(capacity: 2);
        tracker.RecordWrite("a", null);
        tracker.RecordWrite("b", null);
        Assert.True(tracker.TryGetLastWrite("a", out _));

        tracker.RecordWrite("c", null);

        Assert.False(tracker.TryGetLastWrite("a", out _));
        Assert.True(tracker.TryGetLastWrite("b", out _));
    }

    [Fact]
    public void RecordWrite_ManyKeysOverSeveralShards_StaysNearCapacity()
    {
        var tracker = Tracker(capacity: 1000, shards: 8);

        for (int i = 0; i < 10_000; i++)
        {
            tracker.RecordWrite($"user{i}", null);
        }

        // Each write beyond the capacity evicts one key of its own shard, so the count stays at the capacity.
        Assert.InRange(tracker.Count, 1000 - 8, 1000 + 8);
        Assert.Equal(10_000 - tracker.Count, tracker.Evictions);
        Assert.True(tracker.TryGetLastWrite("user9999", out _));
        Assert.False(tracker.TryGetLastWrite("user0", out _));
    }

    [Fact]
    public void Constructor_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WriteTracker(0, Expiry, _time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WriteTracker(10, TimeSpan.Zero, _time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WriteTracker(10, Expiry, _time, 0));
    }

    [Fact]
    public void Constructor_HugeExpiry_NeverExpires()
    {
        var tracker = new WriteTracker(10, TimeSpan.MaxValue, _time);
        tracker.RecordWrite("a", null);
        _time.Advance(TimeSpan.FromDays(3650));

        Assert.True(tracker.TryGetLastWrite("a", out _));
    }

    [Fact]
    public async Task ParallelWritersAndReaders_EndConsistent()
    {
        const int Writers = 4, Keys = 2000, Rounds = 25;
        var tracker = new WriteTracker(100_000, Expiry, _time);
        var sets = Enumerable.Range(1, Rounds).Select(seq => GtidSet.Parse($"0-1-{seq}")).ToArray();
        var otherDomain = GtidSet.Parse("1-1-1");
        using var stop = new CancellationTokenSource();

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            long found = 0;
            while (!stop.IsCancellationRequested)
            {
                for (int k = 0; k < Keys; k += 7)
                {
                    if (tracker.TryGetLastWrite($"user{k}", out var mark))
                    {
                        Assert.NotNull(mark.Gtid);
                        found++;
                    }
                }
            }

            return found;
        })).ToArray();

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (int round = 0; round < Rounds; round++)
            {
                for (int k = w; k < Keys; k += Writers / 2)
                {
                    tracker.RecordWrite($"user{k}", sets[round]);
                }

                tracker.RecordWrite($"user{w}", otherDomain);
            }
        })).ToArray();

        await Task.WhenAll(writers);
        stop.Cancel();
        await Task.WhenAll(readers);

        Assert.Equal(Keys, tracker.Count);
        Assert.Equal(0, tracker.Evictions);
        for (int k = 0; k < Keys; k++)
        {
            Assert.True(tracker.TryGetLastWrite($"user{k}", out var mark));

            // Whatever the interleaving, every key ends with the last round's GTID united into its mark.
            Assert.True(mark.Gtid!.Contains(sets[^1]), $"user{k}: {mark.Gtid}");
            Assert.Equal(k < Writers, mark.Gtid.Contains(otherDomain));
        }
    }

    [Fact]
    public async Task ParallelWritersBeyondCapacity_KeepCountAndEvictionsInStep()
    {
        var tracker = new WriteTracker(500, Expiry, _time, 4);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (int i = 0; i < 5000; i++)
            {
                tracker.RecordWrite($"w{w}-{i}", null);
            }
        })));

        Assert.InRange(tracker.Count, 500 - 4, 500 + 4);
        Assert.Equal(20_000 - tracker.Count, tracker.Evictions);
    }

    [Fact]
    public void AMillionKeys_CostAtMost120BytesEachBeyondTheKeyStrings()
    {
        const int Keys = 1_000_000;
        var keys = new string[Keys];
        for (int i = 0; i < Keys; i++)
        {
            keys[i] = "user-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var gtid = GtidSet.Parse("0-1-100");
        long before = GC.GetTotalMemory(forceFullCollection: true);

        var tracker = new WriteTracker(Keys, TimeSpan.FromHours(1), _time);
        foreach (var key in keys)
        {
            tracker.RecordWrite(key, gtid);
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        double perEntry = (after - before) / (double)Keys;
        output.WriteLine($"{perEntry:F1} bytes per entry beyond the key strings");

        Assert.True(tracker.Count > Keys * 0.99, $"count {tracker.Count}");
        Assert.True(tracker.TryGetLastWrite(keys[^1], out _));
        Assert.True(perEntry <= 120, $"{perEntry:F1} bytes per entry");
        GC.KeepAlive(keys);
        GC.KeepAlive(tracker);
    }
}
