using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Digests;
using Switchyard.Proxy.Consistency;
using Switchyard.Proxy.Metrics;
using Switchyard.Proxy.Mirroring;
using Switchyard.Proxy.Monitoring;
using Switchyard.Proxy.Regions;
using Switchyard.Proxy.Logging;
using Switchyard.Proxy.Sessions;
using Switchyard.Proxy.Statements;
using Switchyard.Routing.Balancing;

namespace Switchyard.Proxy.Hosting;

/// <summary>What every client session shares: configuration, users, backends and their pools.</summary>
internal sealed class ProxyContext : IAsyncDisposable
{
    private int _lastSessionId;
    private volatile BackendSet _backends;
    // Pools of removed replicas until their last lease is back: a session releasing a connection still finds its pool.
    private volatile BackendPool[] _draining = [];
    private readonly BackendConnector _connector;

    public ProxyContext(SwitchyardConfig config, ILoggerFactory loggerFactory)
    {
        Config = config;
        Live = new LiveConfig(config);
        LoggerFactory = loggerFactory;
        Users = new UserDirectory(config.Users);
        var connector = _connector = new BackendConnector(config.BackendCredentials, config.BackendTimeouts, loggerFactory.CreateLogger("Switchyard.Backends"),
            trackLastGtid: config.Consistency.ReadYourWrites.Mode == ReadYourWritesModeSetting.Gtid);
        var endpoints = config.Backends.Select(b => new BackendEndpoint(b)).ToList();
        var pools = endpoints.Select(CreatePool).ToList();
        _backends = new BackendSet([.. pools.Where(p => p.Endpoint.IsPrimary)], pools, config.Topology.HasSeveralWriters);
        Writers = new WriterSelector(_backends.Writers, config.Topology, config.Routing.ReplicaRetryDelay, TimeProvider.System,
            loggerFactory.CreateLogger("Switchyard.Topology"));
        Replicas = new ReplicaSelector(
            _backends.ReadPools,
            BalancingPolicies.Create(config.Routing.ReadBalancing),
            loggerFactory.CreateLogger("Switchyard.Routing"));
        Regions = config.Regions is { } regionsConfig ? new RegionRouter(regionsConfig, pools) : null;
        Statements = new StatementRegistry();
        Metrics = new ProxyMetrics(Backends, Pools);
        TopologyMetrics = new TopologyMetrics(Metrics.Registry, Writers);
        Mirror = new StatementMirror(this, loggerFactory.CreateLogger("Switchyard.Mirror"));
        if (Regions is not null)
        {
            var regionMetrics = RegionMetrics = new RegionMetrics(Metrics.Registry, Regions);
            var regionLog = loggerFactory.CreateLogger("Switchyard.Regions");
            Log.RegionsConfigured(regionLog, Regions.Local, string.Join(", ", Regions.Regions.Select(r => r.Name)));
            Regions.WritesMoved = (home, from, to, reason) =>
            {
                if (to is null)
                    Log.RegionWritesNowhere(regionLog, home, Regions.Unavailability());
                else
                    Log.RegionWritesMoved(regionLog, home, from ?? "-", to, reason.ToString());
                regionMetrics.WritesMoved(home, to, reason);
            };
        }
        Writers.Changed = TopologyMetrics.WriterChanged;
        foreach (var pool in Pools.Values)
            pool.Waited = Metrics.PoolWait;
        _metricsPoolWait = Metrics.PoolWait;
        if (config.Digests.Enabled)
        {
            Digests = new DigestStatistics(config.Digests.MaxDigests);
            _ = new DigestMetrics(Metrics.Registry, Digests, config.Digests.MetricsTop);
        }
        Consistency = new ConsistencySettings(config, new ConsistencyMetrics(Metrics.Registry), TimeProvider.System);
        Monitor = config.Monitor.Enabled ? new HealthMonitor(config, Backends, TimeProvider.System, loggerFactory) : null;
        if (Monitor is not null)
        {
            Monitor.CheckCompleted = Metrics.MonitorCheckCompleted;
            Monitor.Shunned = Metrics.BackendShunned;
            Monitor.HungReplica = backend => PoolOf(backend).AbortInUse();
            // A writer's state may decide the active writer: elect again after each check (cheap, a few writers).
            if (config.Topology.HasSeveralWriters)
                Monitor.Published = _ => Writers.Refresh();
        }
        if (config.Conflicts.Enabled && config.Conflicts.Tables.Count > 0)
            Conflicts = new Conflicts.ConflictScanner(config, new ConflictMetrics(Metrics.Registry), loggerFactory.CreateLogger("Switchyard.Conflicts"), TimeProvider.System);
    }

    /// <summary>The configuration the proxy started with; pools, backends, listeners and the monitor are built from it.</summary>
    public SwitchyardConfig Config { get; }
    /// <summary>The configuration in force, swapped by reloads: users and rules are read from
    /// <see cref="LiveConfig.Current"/> per statement (take it once and use that snapshot for the whole statement).</summary>
    public LiveConfig Live { get; }
    /// <summary>Statistics per statement shape; null when digests.enabled is false.</summary>
    public DigestStatistics? Digests { get; }
    public ILoggerFactory LoggerFactory { get; }
    public UserDirectory Users { get; }
    /// <summary>The backends in force with their pools, swapped whole by a reload that changes replicas: a reader that
    /// needs the list and the pools together takes this once.</summary>
    public BackendSet BackendSet => _backends;
    public IReadOnlyList<BackendEndpoint> Backends => _backends.Backends;
    public IReadOnlyDictionary<string, BackendPool> Pools => _backends.Pools;
    /// <summary>The active writer (the one primary of a primary-replica topology); while no writer of several is
    /// healthy, the first in the order. Changing the writers in the configuration needs a restart.</summary>
    public BackendEndpoint Primary => PrimaryPool.Endpoint;
    public BackendPool PrimaryPool => Writers.Active ?? _backends.PrimaryPool;
    /// <summary>Copies of statements for rules with <c>mirror:</c>.</summary>
    public StatementMirror Mirror { get; }
    /// <summary>Routing by each user's home region; null without a <c>regions:</c> section.</summary>
    public RegionRouter? Regions { get; }
    /// <summary>Region series (on <see cref="ProxyMetrics.Registry"/>); null without regions.</summary>
    public RegionMetrics? RegionMetrics { get; }
    /// <summary>Which writer takes writes now, and the failover between several writers.</summary>
    public WriterSelector Writers { get; }
    /// <summary>Active writer and failover series (on <see cref="ProxyMetrics.Registry"/>).</summary>
    public TopologyMetrics TopologyMetrics { get; }
    /// <summary>Pools of replicas a reload removed, until their last connection in use came back.</summary>
    public IReadOnlyList<BackendPool> DrainingPools => _draining;
    public ReplicaSelector Replicas { get; }
    /// <summary>Which SQL texts some client still has prepared: backend statements of the others get closed.</summary>
    public StatementRegistry Statements { get; }
    /// <summary>This proxy's Prometheus collectors (its own registry, exported at /metrics).</summary>
    public ProxyMetrics Metrics { get; }
    /// <summary>Read consistency: levels, read-your-writes mode, the per-user write tracker and their metrics.</summary>
    public ConsistencySettings Consistency { get; }
    /// <summary>Checks every backend and publishes <see cref="BackendEndpoint.Health"/>; null when monitor.enabled is false.
    /// Started by the server after warm-up.</summary>
    public HealthMonitor? Monitor { get; }
    /// <summary>Compares the nodes for diverged rows (/conflicts); null without a conflicts: section. Started by the server.</summary>
    public Conflicts.ConflictScanner? Conflicts { get; }

    /// <summary>Clients see the primary's own version string once the proxy has talked to it.</summary>
    public string ServerVersion => Greeting?.ServerVersion ?? Config.FallbackServerVersion;

    /// <summary>The active writer's last greeting, else any writer's (a client's handshake copies its capabilities).</summary>
    public BackendGreeting? Greeting
    {
        get
        {
            if (Primary.LastGreeting is { } active)
                return active;
            foreach (var writer in _backends.Writers)
            {
                if (writer.Endpoint.LastGreeting is { } greeting)
                    return greeting;
            }
            return null;
        }
    }

    /// <summary>The pool <paramref name="endpoint"/>'s connections belong to, also while it drains after a reload
    /// removed it. Allocation-free.</summary>
    public BackendPool PoolOf(BackendEndpoint endpoint)
    {
        if (_backends.Pools.TryGetValue(endpoint.Name, out var pool) && ReferenceEquals(pool.Endpoint, endpoint))
            return pool;
        foreach (var draining in _draining)
        {
            if (ReferenceEquals(draining.Endpoint, endpoint))
                return draining;
        }
        throw new InvalidOperationException($"backend {endpoint} has no pool");
    }

    internal BackendPool CreatePool(BackendEndpoint endpoint)
    {
        var pool = new BackendPool(endpoint, _connector, Config.Pool, LoggerFactory.CreateLogger("Switchyard.Pool"))
        {
            Waited = _metricsPoolWait,
            CheckLivenessAlways = endpoint.IsPrimary && Config.Topology.HasSeveralWriters,
        };
        var routing = Config.Routing;
        // With several writers, which one takes a read is the writer selection's call: their reads go the usual way.
        if (routing.PipelinedLanes > 0 && !(endpoint.IsPrimary && Config.Topology.HasSeveralWriters))
            pool.EnableLanes(routing.PipelinedLanes, routing.PipelineMaxDepth, routing.PipelineStallTimeout);
        return pool;
    }

    private Action<string>? _metricsPoolWait;

    /// <summary>Applies a change of replicas (see <see cref="BackendReconfiguration"/>): the draining pools are
    /// published before the set that no longer holds them, so <see cref="PoolOf"/> finds every pool at any moment.</summary>
    internal void SwapBackends(BackendSet next, IReadOnlyList<BackendPool> removed)
    {
        if (removed.Count > 0)
        {
            lock (_drainingLock)
                _draining = [.. _draining, .. removed];
        }
        _backends = next;
        Replicas.Replace(next.ReadPools);
        Metrics.ReplaceBackends(next.Backends, next.Pools);
    }

    /// <summary>A drained pool was disposed: forget it.</summary>
    internal void Drained(BackendPool pool)
    {
        lock (_drainingLock)
            _draining = [.. _draining.Where(p => p != pool)];
    }

    private readonly Lock _drainingLock = new();

    public uint NextSessionId() => (uint)Interlocked.Increment(ref _lastSessionId);

    public async ValueTask DisposeAsync()
    {
        if (Conflicts is not null)
            await Conflicts.DisposeAsync().ConfigureAwait(false);
        if (Monitor is not null)
            await Monitor.DisposeAsync().ConfigureAwait(false);
        foreach (var pool in Pools.Values)
            await pool.DisposeAsync().ConfigureAwait(false);
        foreach (var pool in _draining)
            await pool.DisposeAsync().ConfigureAwait(false);
    }
}
