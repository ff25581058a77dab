using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Digests;
using Switchyard.Proxy.Consistency;
using Switchyard.Proxy.Metrics;
using Switchyard.Proxy.Monitoring;
using Switchyard.Proxy.Sessions;
using Switchyard.Proxy.Statements;
using Switchyard.Routing.Balancing;

namespace Switchyard.Proxy.Hosting;

/// <summary>What every client session shares: configuration, users, backends and their pools.</summary>
internal sealed class ProxyContext : IAsyncDisposable
{
    private int _lastSessionId;

    public ProxyContext(SwitchyardConfig config, ILoggerFactory loggerFactory)
    {
        Config = config;
        Live = new LiveConfig(config);
        LoggerFactory = loggerFactory;
        Users = new UserDirectory(config.Users);
        var connector = new BackendConnector(config.BackendCredentials, config.BackendTimeouts, loggerFactory.CreateLogger("Switchyard.Backends"),
            trackLastGtid: config.Consistency.ReadYourWrites.Mode == ReadYourWritesModeSetting.Gtid);
        Backends = config.Backends.Select(b => new BackendEndpoint(b)).ToList();
        Pools = Backends.ToDictionary(b => b.Name, b => new BackendPool(b, connector, config.Pool, loggerFactory.CreateLogger("Switchyard.Pool")));
        Primary = Backends.Single(b => b.IsPrimary);
        Replicas = new ReplicaSelector(
            Backends.Where(b => !b.IsPrimary).Select(b => Pools[b.Name]).ToList(),
            BalancingPolicies.Create(config.Routing.ReadBalancing),
            loggerFactory.CreateLogger("Switchyard.Routing"));
        Statements = new StatementRegistry();
        Metrics = new ProxyMetrics(Backends, Pools);
        foreach (var pool in Pools.Values)
            pool.Waited = Metrics.PoolWait;
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
            Monitor.HungReplica = backend => Pools[backend.Name].AbortInUse();
        }
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
    public IReadOnlyList<BackendEndpoint> Backends { get; }
    public IReadOnlyDictionary<string, BackendPool> Pools { get; }
    public BackendEndpoint Primary { get; }
    public BackendPool PrimaryPool => Pools[Primary.Name];
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

    /// <summary>Clients see the primary's own version string once the proxy has talked to it.</summary>
    public string ServerVersion => Primary.LastGreeting?.ServerVersion ?? Config.FallbackServerVersion;

    public uint NextSessionId() => (uint)Interlocked.Increment(ref _lastSessionId);

    public async ValueTask DisposeAsync()
    {
        if (Monitor is not null)
            await Monitor.DisposeAsync().ConfigureAwait(false);
        foreach (var pool in Pools.Values)
            await pool.DisposeAsync().ConfigureAwait(false);
    }
}
