using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Configuration;
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
        LoggerFactory = loggerFactory;
        Users = new UserDirectory(config.Users);
        var connector = new BackendConnector(config.BackendCredentials, config.BackendTimeouts, loggerFactory.CreateLogger("Switchyard.Backends"));
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
        Monitor = config.Monitor.Enabled ? new HealthMonitor(config, Backends, TimeProvider.System, loggerFactory) : null;
        if (Monitor is not null)
        {
            Monitor.CheckCompleted = Metrics.MonitorCheckCompleted;
            Monitor.Shunned = Metrics.BackendShunned;
            Monitor.HungReplica = backend => Pools[backend.Name].AbortInUse();
        }
    }

    public SwitchyardConfig Config { get; }
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
