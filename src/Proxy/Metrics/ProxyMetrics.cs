using System.Collections.Concurrent;
using Prometheus;
using Switchyard.Proxy.Backends;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Health;
using Switchyard.Routing.Pinning;

namespace Switchyard.Proxy.Metrics;

/// <summary>
/// The proxy's Prometheus collectors, one instance per server in its own <see cref="CollectorRegistry"/> (never
/// the static default registry, so several proxies in one process do not share or collide).
/// Backend gauges (up, health state, lag, connections) are computed at scrape time from
/// <see cref="BackendEndpoint.Health"/> and the pools, so the monitor and the pools need no metrics code.
/// Counters and histograms are fed by the hot path through methods that reuse cached labelled children:
/// no label array is allocated per call.
/// </summary>
internal sealed class ProxyMetrics
{
    /// <summary>Route label values, indexed by <see cref="QueryRoute"/>.</summary>
    private static readonly string[] RouteNames = ["primary", "replica"];

    /// <summary>Statement class label values, indexed by <see cref="StatementClass"/>.</summary>
    private static readonly string[] ClassNames = Enum.GetValues<StatementClass>().Select(ToLabel).ToArray();

    /// <summary>Health state label values, indexed by <see cref="HealthState"/>.</summary>
    private static readonly string[] StateNames = Enum.GetValues<HealthState>().Select(ToLabel).ToArray();

    // Swapped together by a reload (ReplaceBackends) under _backendsLock, which the scrape-time refresh also takes,
    // so a scrape never re-creates the series of a backend just removed.
    private IReadOnlyList<BackendEndpoint> _backends;
    private IReadOnlyDictionary<string, BackendPool> _pools;
    private readonly Lock _backendsLock = new();
    private readonly Histogram _checkDuration;
    private readonly Counter _checkFailures;
    private readonly Counter _shunned;
    private readonly Counter _poolWaits;

    private readonly Gauge _backendUp;
    private readonly Gauge _backendState;
    private readonly Gauge _lagSeconds;
    private readonly Gauge _lagBytes;
    private readonly Gauge _wsrepState;
    private readonly Gauge _wsrepClusterSize;
    private readonly Gauge _backendConnections;
    private readonly Gauge _lanes;
    private readonly Counter _laneStatements;
    private readonly Counter _laneWrites;
    private readonly Gauge _clientConnections;
    private readonly Gauge _pinnedSessions;
    private readonly Counter _queries;
    private readonly Histogram _queryDuration;
    private readonly Counter _fallbacks;
    private readonly Counter _errors;

    private readonly Counter.Child[,] _queryChildren;
    private readonly Histogram.Child[] _durationChildren;
    private readonly ConcurrentDictionary<(string Route, string Class), (Counter.Child Count, Histogram.Child Duration)> _queryChildrenByName = new();
    private readonly ConcurrentDictionary<string, Counter.Child> _fallbackChildren = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter.Child> _errorChildren = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Gauge.Child> _pinnedChildren = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BackendChildren> _perBackend = new(StringComparer.Ordinal);

    public ProxyMetrics(IReadOnlyList<BackendEndpoint> backends, IReadOnlyDictionary<string, BackendPool> pools)
    {
        _backends = backends;
        _pools = pools;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);

        _backendUp = factory.CreateGauge("switchyard_backend_up",
            "1 when the backend answers (online, lagging, broken replication or an unsynced Galera node), 0 when down, shunned or not checked yet.", "backend");
        _backendState = factory.CreateGauge("switchyard_backend_health_state",
            "1 for the backend's current health state, 0 for the others.", "backend", "state");
        _lagSeconds = factory.CreateGauge("switchyard_backend_replication_lag_seconds",
            "Measured replication lag of a replica in seconds; absent while unknown (a NULL lag is never reported as 0).", "backend");
        _lagBytes = factory.CreateGauge("switchyard_backend_replication_lag_bytes",
            "How far a replica's applied position is behind the primary's binlog, in bytes; absent while unknown.", "backend");
        _wsrepState = factory.CreateGauge("switchyard_backend_wsrep_state",
            "A Galera node's wsrep_local_state: 1 joining, 2 donor/desynced, 3 joined, 4 synced (only 4 serves); absent on a backend that is not a Galera node.", "backend");
        _wsrepClusterSize = factory.CreateGauge("switchyard_backend_wsrep_cluster_size",
            "Nodes in a Galera node's component (wsrep_cluster_size); absent on a backend that is not a Galera node.", "backend");
        var checkDuration = _checkDuration = factory.CreateHistogram("switchyard_monitor_check_duration_seconds",
            "Duration of one monitor check of a backend.", new HistogramConfiguration
            {
                LabelNames = ["backend"],
                Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14), // 0.5 ms .. ~4 s
            });
        var checkFailures = _checkFailures = factory.CreateCounter("switchyard_monitor_check_failures_total",
            "Monitor checks of a backend that failed or timed out.", "backend");
        var shunned = _shunned = factory.CreateCounter("switchyard_backend_shunned_total",
            "Times a backend was shunned: too many connection errors met by client traffic within the shun window.", "backend");
        var poolWaits = _poolWaits = factory.CreateCounter("switchyard_pool_waits_total",
            "Leases that had to wait for a free connection because the backend's pool was at its limit.", "backend");
        _clientConnections = factory.CreateGauge("switchyard_client_connections", "Client connections currently open.");
        _backendConnections = factory.CreateGauge("switchyard_backend_connections",
            "Open backend connections by state (idle in the pool, or in use by a session).", "backend", "state");
        _lanes = factory.CreateGauge("switchyard_backend_pipelined_lanes",
            "Pipelined lanes open to a backend (routing.pipelined_lanes): shared connections over which reads are pipelined.", "backend");
        _laneStatements = factory.CreateCounter("switchyard_backend_pipelined_statements_total",
            "Commands answered on a backend's pipelined lanes.", "backend");
        _laneWrites = factory.CreateCounter("switchyard_backend_pipelined_writes_total",
            "Writes to a backend's pipelined lanes; statements per write is how many commands each write carried.", "backend");
        _pinnedSessions = factory.CreateGauge("switchyard_pinned_sessions",
            "Sessions currently pinned to one backend connection, by the reason that pinned them.", "reason");
        _queries = factory.CreateCounter("switchyard_queries_total",
            "Statements completed, by where they were routed and their statement class.", "route", "class");
        _queryDuration = factory.CreateHistogram("switchyard_query_duration_seconds",
            "Statement latency as the proxy saw it (first byte from the client to the last byte of the answer).", new HistogramConfiguration
            {
                LabelNames = ["route"],
                Buckets = Histogram.ExponentialBuckets(0.0001, 2, 17), // 0.1 ms .. ~6.5 s
            });
        _fallbacks = factory.CreateCounter("switchyard_routing_fallbacks_total",
            "Reads sent to the primary (or retried elsewhere) because no eligible replica could serve them, by reason.", "reason");
        _errors = factory.CreateCounter("switchyard_errors_total", "Errors by kind.", "kind");

        _queryChildren = new Counter.Child[RouteNames.Length, ClassNames.Length];
        _durationChildren = new Histogram.Child[RouteNames.Length];
        for (var r = 0; r < RouteNames.Length; r++)
        {
            _durationChildren[r] = _queryDuration.WithLabels(RouteNames[r]);
            for (var c = 0; c < ClassNames.Length; c++)
                _queryChildren[r, c] = _queries.WithLabels(RouteNames[r], ClassNames[c]);
        }

        foreach (var backend in backends)
            AddBackend(backend.Name);

        Registry.AddBeforeCollectCallback(RefreshBackendGauges);
    }

    /// <summary>The registry /metrics exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Client connections currently open (the value of switchyard_client_connections).</summary>
    public int ClientConnections => (int)_clientConnections.Value;

    // ---- Sessions -------------------------------------------------------------------------------------

    /// <summary>A client connection was accepted (call once per session, paired with <see cref="ClientDisconnected"/>).</summary>
    public void ClientConnected() => _clientConnections.Inc();

    /// <summary>A client connection ended.</summary>
    public void ClientDisconnected() => _clientConnections.Dec();

    /// <summary>A session became pinned for <paramref name="reason"/> (pair with <see cref="SessionUnpinned"/>).</summary>
    public void SessionPinned(string reason) => PinnedChild(reason).Inc();

    /// <summary>A pin for <paramref name="reason"/> was released.</summary>
    public void SessionUnpinned(string reason) => PinnedChild(reason).Dec();

    /// <summary>A session's pins went from <paramref name="before"/> to <paramref name="after"/>: each reason set is
    /// counted up, each cleared one down.</summary>
    public void PinsChanged(PinReason before, PinReason after)
    {
        var changed = (int)(before ^ after);
        for (var bit = 0; changed != 0; bit++, changed >>= 1)
        {
            if ((changed & 1) == 0)
                continue;
            var reason = PinLabels[bit];
            if (((int)after & (1 << bit)) != 0)
                SessionPinned(reason);
            else
                SessionUnpinned(reason);
        }
    }

    /// <summary>Pin reason label values (snake_case), indexed by bit number of <see cref="PinReason"/>.</summary>
    private static readonly string[] PinLabels = Enumerable.Range(0, 16)
        .Select(bit => Enum.IsDefined((PinReason)(1 << bit)) ? SnakeCase(((PinReason)(1 << bit)).ToString()) : $"bit{bit}")
        .ToArray();

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    // ---- Queries and routing ----------------------------------------------------------------------------

    /// <summary>One statement finished: counts it and records its latency. Allocation-free.</summary>
    public void QueryCompleted(QueryRoute route, StatementClass statementClass, double seconds)
    {
        _queryChildren[(int)route, (int)statementClass].Inc();
        _durationChildren[(int)route].Observe(seconds);
    }

    /// <summary>One statement finished, with label values as strings (route "primary" or "replica"). Allocation-free
    /// after the first call for a pair of values.</summary>
    public void QueryCompleted(string route, string statementClass, double seconds)
    {
        var children = _queryChildrenByName.TryGetValue((route, statementClass), out var found)
            ? found
            : _queryChildrenByName.GetOrAdd((route, statementClass), static (key, self) =>
                (self._queries.WithLabels(key.Route, key.Class), self._queryDuration.WithLabels(key.Route)), this);
        children.Count.Inc();
        children.Duration.Observe(seconds);
    }

    /// <summary>A read went to the primary (or was retried elsewhere) because no eligible replica served it.</summary>
    public void RoutingFallback(string reason) => Child(_fallbackChildren, _fallbacks, reason).Inc();

    /// <summary>An error of <paramref name="kind"/> (e.g. "backend_lost", "pool_exhausted", "replica_retry", "client_protocol").</summary>
    public void Error(string kind) => Child(_errorChildren, _errors, kind).Inc();

    // ---- Backends -------------------------------------------------------------------------------------

    /// <summary>A lease on <paramref name="backend"/> had to wait for a free connection.</summary>
    public void PoolWait(string backend)
    {
        if (_perBackend.TryGetValue(backend, out var children))
            children.PoolWaits.Inc();
    }

    /// <summary>The monitor finished one check of <paramref name="backend"/>.</summary>
    public void MonitorCheckCompleted(string backend, TimeSpan duration, bool failed)
    {
        if (!_perBackend.TryGetValue(backend, out var children))
            return;
        children.CheckDuration.Observe(duration.TotalSeconds);
        if (failed)
            children.CheckFailures.Inc();
    }

    /// <summary>Client traffic shunned <paramref name="backend"/>.</summary>
    public void BackendShunned(string backend)
    {
        if (_perBackend.TryGetValue(backend, out var children))
            children.Shunned.Inc();
    }

    /// <summary>A reload changed the backends: series of the ones gone are removed (a removed backend must not linger
    /// as down in dashboards), the new ones start at 0.</summary>
    public void ReplaceBackends(IReadOnlyList<BackendEndpoint> backends, IReadOnlyDictionary<string, BackendPool> pools)
    {
        lock (_backendsLock)
        {
            var before = _backends;
            _backends = backends;
            _pools = pools;
            foreach (var gone in before.Where(b => !backends.Any(n => n.Name == b.Name)))
                RemoveBackend(gone.Name);
            foreach (var added in backends.Where(b => !_perBackend.ContainsKey(b.Name)))
                AddBackend(added.Name);
        }
    }

    private void AddBackend(string name)
    {
        var children = new BackendChildren(_checkDuration.WithLabels(name), _checkFailures.WithLabels(name), _poolWaits.WithLabels(name), _shunned.WithLabels(name));
        // Present from the first scrape, at 0, so that rate() and absent() behave.
        children.CheckFailures.Publish();
        children.PoolWaits.Publish();
        children.Shunned.Publish();
        _perBackend[name] = children;
    }

    private void RemoveBackend(string name)
    {
        _perBackend.TryRemove(name, out _);
        _checkDuration.RemoveLabelled(name);
        _checkFailures.RemoveLabelled(name);
        _poolWaits.RemoveLabelled(name);
        _shunned.RemoveLabelled(name);
        _backendUp.RemoveLabelled(name);
        _lagSeconds.RemoveLabelled(name);
        _lagBytes.RemoveLabelled(name);
        _wsrepState.RemoveLabelled(name);
        _wsrepClusterSize.RemoveLabelled(name);
        foreach (var state in StateNames)
            _backendState.RemoveLabelled(name, state);
        _backendConnections.RemoveLabelled(name, "idle");
        _backendConnections.RemoveLabelled(name, "in_use");
        _lanes.RemoveLabelled(name);
        _laneStatements.RemoveLabelled(name);
        _laneWrites.RemoveLabelled(name);
    }

    /// <summary>Whether a backend counts as up: it answers, even if its replication is behind or broken.</summary>
    internal static bool IsUp(BackendEndpoint backend) => backend.Health switch
    {
        null => backend.IsAvailable && backend.LastGreeting is not null,
        { State: HealthState.Online or HealthState.Lagging or HealthState.Broken or HealthState.Unsynced } => true,
        _ => false,
    };

    internal static string ToLabel(HealthState state) => state.ToString().ToLowerInvariant();

    private static string ToLabel(StatementClass statementClass) => statementClass switch
    {
        StatementClass.SessionState => "session_state",
        StatementClass.TransactionControl => "transaction_control",
        _ => statementClass.ToString().ToLowerInvariant(),
    };

    private void RefreshBackendGauges()
    {
        lock (_backendsLock)
            RefreshBackendGaugesLocked();
    }

    private void RefreshBackendGaugesLocked()
    {
        foreach (var backend in _backends)
        {
            var name = backend.Name;
            var health = backend.Health;
            _backendUp.WithLabels(name).Set(IsUp(backend) ? 1 : 0);
            var current = health?.State ?? HealthState.Unknown;
            for (var s = 0; s < StateNames.Length; s++)
                _backendState.WithLabels(name, StateNames[s]).Set((int)current == s ? 1 : 0);
            SetOrRemove(_lagSeconds.WithLabels(name), health?.LagSeconds);
            SetOrRemove(_lagBytes.WithLabels(name), health?.LagBytes);
            SetOrRemove(_wsrepState.WithLabels(name), health?.Wsrep?.LocalState is { } wsrepState ? (double)wsrepState : null);
            SetOrRemove(_wsrepClusterSize.WithLabels(name), health?.Wsrep?.ClusterSize);
            if (_pools.TryGetValue(name, out var pool))
            {
                _backendConnections.WithLabels(name, "idle").Set(pool.IdleConnections);
                _backendConnections.WithLabels(name, "in_use").Set(pool.LeasedConnections);
                if (pool.Lanes is { } lanes)
                {
                    _lanes.WithLabels(name).Set(lanes.Count);
                    _laneStatements.WithLabels(name).IncTo(lanes.Answered);
                    _laneWrites.WithLabels(name).IncTo(lanes.Writes);
                }
            }
        }
    }

    private static void SetOrRemove(Gauge.Child gauge, double? value)
    {
        if (value is { } v)
        {
            gauge.Set(v);
            gauge.Publish();
        }
        else
        {
            gauge.Unpublish();
        }
    }

    private Gauge.Child PinnedChild(string reason) =>
        _pinnedChildren.TryGetValue(reason, out var child) ? child : _pinnedChildren.GetOrAdd(reason, r => _pinnedSessions.WithLabels(r));

    private static Counter.Child Child(ConcurrentDictionary<string, Counter.Child> cache, Counter counter, string label) =>
        cache.TryGetValue(label, out var child) ? child : cache.GetOrAdd(label, static (l, c) => c.WithLabels(l), counter);

    private sealed record BackendChildren(Histogram.Child CheckDuration, Counter.Child CheckFailures, Counter.Child PoolWaits, Counter.Child Shunned);
}
