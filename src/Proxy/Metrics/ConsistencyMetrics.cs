using System.Collections.Concurrent;
using Prometheus;
using Switchyard.Routing.Consistency;

namespace Switchyard.Proxy.Metrics;

/// <summary>What read-your-writes decided, for a read routed by consistency.</summary>
internal enum RywDecision : byte
{
    /// <summary>A replica was already known to have the reader's write.</summary>
    ReplicaCaughtUp,
    /// <summary>MASTER_GTID_WAIT on a replica succeeded within the timeout.</summary>
    Waited,
    /// <summary>No replica had (or reached) the write in time: the primary served the read.</summary>
    PrimaryFallback,
    /// <summary>Within the time window after a write whose GTID is not known (time mode): the primary.</summary>
    PrimaryTimeWindow,
}

/// <summary>
/// Collectors of read consistency, on the same per-server registry as <see cref="ProxyMetrics"/>. Labelled children
/// are cached, so the hot path allocates nothing; the tracked-user gauge and the eviction counter are read from the
/// <see cref="WriteTracker"/> at scrape time.
/// </summary>
internal sealed class ConsistencyMetrics
{
    private static readonly string[] Levels = ["eventual", "strong", "read_your_writes", "bounded_staleness"];
    private static readonly string[] Routes = ["primary", "replica"];
    private static readonly string[] Decisions = ["replica_caught_up", "waited", "primary_fallback", "primary_time_window"];

    private readonly Counter.Child[,] _reads;
    private readonly Counter.Child[] _decisions;
    private readonly Histogram.Child _wait;
    private readonly Counter _fallbacks;
    private readonly ConcurrentDictionary<string, Counter.Child> _fallbackChildren = new(StringComparer.Ordinal);
    private readonly Gauge _trackedUsers;
    private readonly Counter _evictions;
    private WriteTracker? _tracker;

    public ConsistencyMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var reads = factory.CreateCounter("switchyard_reads_by_consistency_total",
            "Reads routed by consistency (autocommit reads a replica may serve), by effective level and where they ran.", "level", "route");
        var decisions = factory.CreateCounter("switchyard_ryw_decisions_total",
            "Read-your-writes reads of a reader that had written, by how they were served.", "decision");
        _wait = factory.CreateHistogram("switchyard_ryw_wait_seconds",
            "Time spent in MASTER_GTID_WAIT on a replica before a read-your-writes read (successful or not).", new HistogramConfiguration
            {
                Buckets = Histogram.ExponentialBuckets(0.0001, 2, 16), // 0.1 ms .. ~3.3 s
            }).WithLabels();
        _fallbacks = factory.CreateCounter("switchyard_consistency_fallbacks_total",
            "Reads sent to the primary because no replica could give the requested consistency, by reason.", "reason");
        _trackedUsers = factory.CreateGauge("switchyard_tracked_users", "Application users whose last write is remembered (scope user).");
        _evictions = factory.CreateCounter("switchyard_tracked_user_evictions_total",
            "Application users forgotten because max_tracked_users was reached (expiry not counted).");

        _reads = new Counter.Child[Levels.Length, Routes.Length];
        for (var l = 0; l < Levels.Length; l++)
        {
            for (var r = 0; r < Routes.Length; r++)
                _reads[l, r] = reads.WithLabels(Levels[l], Routes[r]);
        }
        _decisions = Decisions.Select(d => decisions.WithLabels(d)).ToArray();
        foreach (var child in _decisions)
            child.Publish();
        registry.AddBeforeCollectCallback(Refresh);
    }

    /// <summary>The tracker whose size and evictions are exported (null: both stay 0).</summary>
    public void Track(WriteTracker? tracker) => _tracker = tracker;

    public void ReadServed(ConsistencyKind level, bool onReplica) => _reads[(int)level, onReplica ? 1 : 0].Inc();

    public void Decision(RywDecision decision) => _decisions[(int)decision].Inc();

    public void Waited(double seconds) => _wait.Observe(seconds);

    public void Fallback(string reason) =>
        _fallbackChildren.GetOrAdd(reason, static (r, counter) => counter.WithLabels(r), _fallbacks).Inc();

    private void Refresh()
    {
        if (_tracker is not { } tracker)
            return;
        _trackedUsers.Set(tracker.Count);
        _evictions.IncTo(tracker.Evictions);
    }
}
