using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Metrics;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Health;
using Switchyard.Routing.Pinning;

namespace Switchyard.Proxy.Tests.Metrics;

/// <summary>Pools are real but never leased from: constructing one opens no connection, so no server is needed.</summary>
public sealed class ProxyMetricsTests : IAsyncLifetime
{
    private readonly BackendConnector _connector = new(new BackendCredentials("switchyard", "secret"), new BackendTimeouts(), NullLogger.Instance);
    private readonly List<BackendPool> _pools = [];

    [Fact]
    public async Task Export_TwoInstances_KeepSeparateRegistries()
    {
        var first = Create(out _);
        var second = Create(out _);

        first.ClientConnected();
        first.ClientConnected();
        second.ClientConnected();

        Assert.Equal(2, first.ClientConnections);
        Assert.Equal(1, second.ClientConnections);
        Assert.Contains("switchyard_client_connections 2", await ExportAsync(first));
        Assert.Contains("switchyard_client_connections 1", await ExportAsync(second));
    }

    [Fact]
    public async Task Export_NeverWritesToTheStaticDefaultRegistry()
    {
        var metrics = Create(out _);
        metrics.ClientConnected();

        using var stream = new MemoryStream();
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(stream);

        Assert.DoesNotContain("switchyard_", Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public async Task Export_Fresh_HasEveryMetricFamilyWithTypes()
    {
        var metrics = Create(out _);

        var text = await ExportAsync(metrics);

        foreach (var (name, type) in new[]
        {
            ("switchyard_backend_up", "gauge"),
            ("switchyard_backend_health_state", "gauge"),
            ("switchyard_backend_replication_lag_seconds", "gauge"),
            ("switchyard_backend_replication_lag_bytes", "gauge"),
            ("switchyard_monitor_check_duration_seconds", "histogram"),
            ("switchyard_monitor_check_failures_total", "counter"),
            ("switchyard_client_connections", "gauge"),
            ("switchyard_backend_connections", "gauge"),
            ("switchyard_queries_total", "counter"),
            ("switchyard_query_duration_seconds", "histogram"),
            ("switchyard_routing_fallbacks_total", "counter"),
            ("switchyard_pool_waits_total", "counter"),
            ("switchyard_errors_total", "counter"),
            ("switchyard_pinned_sessions", "gauge"),
            ("switchyard_backend_shunned_total", "counter"),
        })
        {
            Assert.Contains($"# HELP {name} ", text);
            Assert.Contains($"# TYPE {name} {type}\n", text);
        }
        Assert.Contains("switchyard_backend_connections{backend=\"primary\",state=\"idle\"} 0", text);
        Assert.Contains("switchyard_backend_connections{backend=\"replica1\",state=\"in_use\"} 0", text);
        Assert.Contains("switchyard_pool_waits_total{backend=\"replica1\"} 0", text);
        Assert.Contains("switchyard_backend_shunned_total{backend=\"replica1\"} 0", text);
        Assert.Contains("switchyard_queries_total{route=\"replica\",class=\"read\"} 0", text);
    }

    [Fact]
    public async Task Export_NoMonitor_BackendStateIsUnknownAndLagAbsent()
    {
        var metrics = Create(out _);

        var text = await ExportAsync(metrics);

        Assert.Contains("switchyard_backend_health_state{backend=\"replica1\",state=\"unknown\"} 1", text);
        Assert.Contains("switchyard_backend_health_state{backend=\"replica1\",state=\"online\"} 0", text);
        Assert.Contains("switchyard_backend_up{backend=\"replica1\"} 0", text); // never greeted
        Assert.DoesNotContain("switchyard_backend_replication_lag_seconds{", text);
    }

    [Fact]
    public async Task Export_HealthSet_ReflectsStateUpAndLag()
    {
        var metrics = Create(out var backends);
        backends[1].Health = new BackendHealth(HealthState.Lagging, "lag 7 s above 5 s", 7.25, 4096, TimeSpan.FromMilliseconds(3), "0-1-10", DateTimeOffset.UtcNow);

        var text = await ExportAsync(metrics);

        Assert.Contains("switchyard_backend_health_state{backend=\"replica1\",state=\"lagging\"} 1", text);
        Assert.Contains("switchyard_backend_health_state{backend=\"replica1\",state=\"online\"} 0", text);
        Assert.Contains("switchyard_backend_up{backend=\"replica1\"} 1", text);
        Assert.Contains("switchyard_backend_replication_lag_seconds{backend=\"replica1\"} 7.25", text);
        Assert.Contains("switchyard_backend_replication_lag_bytes{backend=\"replica1\"} 4096", text);
    }

    [Fact]
    public async Task Export_LagBecomesUnknown_RemovesTheLagSeries()
    {
        var metrics = Create(out var backends);
        backends[1].Health = new BackendHealth(HealthState.Online, "", 0.5, 10, null, null, DateTimeOffset.UtcNow);
        Assert.Contains("switchyard_backend_replication_lag_seconds{backend=\"replica1\"} 0.5", await ExportAsync(metrics));

        backends[1].Health = new BackendHealth(HealthState.Broken, "SQL thread stopped", null, null, null, null, DateTimeOffset.UtcNow);
        var text = await ExportAsync(metrics);

        Assert.DoesNotContain("switchyard_backend_replication_lag_seconds{backend=\"replica1\"}", text);
        Assert.Contains("switchyard_backend_health_state{backend=\"replica1\",state=\"broken\"} 1", text);

        backends[1].Health = new BackendHealth(HealthState.Online, "", 0.25, 10, null, null, DateTimeOffset.UtcNow);
        Assert.Contains("switchyard_backend_replication_lag_seconds{backend=\"replica1\"} 0.25", await ExportAsync(metrics));
    }

    [Fact]
    public async Task QueryCompleted_EnumAndStringOverloads_CountTheSameSeries()
    {
        var metrics = Create(out _);

        metrics.QueryCompleted(QueryRoute.Replica, StatementClass.Read, 0.002);
        metrics.QueryCompleted("replica", "read", 0.003);
        metrics.QueryCompleted(QueryRoute.Primary, StatementClass.TransactionControl, 0.001);

        var text = await ExportAsync(metrics);
        Assert.Contains("switchyard_queries_total{route=\"replica\",class=\"read\"} 2", text);
        Assert.Contains("switchyard_queries_total{route=\"primary\",class=\"transaction_control\"} 1", text);
        Assert.Contains("switchyard_query_duration_seconds_count{route=\"replica\"} 2", text);
        Assert.Contains("switchyard_query_duration_seconds_sum{route=\"replica\"} 0.005", text);
    }

    [Fact]
    public async Task Counters_ByLabel_AreCountedPerLabelValue()
    {
        var metrics = Create(out _);

        metrics.RoutingFallback("no_eligible_replica");
        metrics.RoutingFallback("no_eligible_replica");
        metrics.Error("backend_lost");
        metrics.PoolWait("primary");
        metrics.PoolWait("no-such-backend");
        metrics.MonitorCheckCompleted("replica1", TimeSpan.FromMilliseconds(2), failed: true);
        metrics.SessionPinned("transaction");
        metrics.SessionPinned("transaction");
        metrics.SessionUnpinned("transaction");

        var text = await ExportAsync(metrics);
        Assert.Contains("switchyard_routing_fallbacks_total{reason=\"no_eligible_replica\"} 2", text);
        Assert.Contains("switchyard_errors_total{kind=\"backend_lost\"} 1", text);
        Assert.Contains("switchyard_pool_waits_total{backend=\"primary\"} 1", text);
        Assert.Contains("switchyard_monitor_check_failures_total{backend=\"replica1\"} 1", text);
        Assert.Contains("switchyard_monitor_check_duration_seconds_count{backend=\"replica1\"} 1", text);
        Assert.Contains("switchyard_pinned_sessions{reason=\"transaction\"} 1", text);
    }

    [Fact]
    public async Task PinsChanged_SetAndCleared_CountsEachReasonUpAndDown()
    {
        var metrics = Create(out _);

        metrics.PinsChanged(PinReason.None, PinReason.Transaction | PinReason.UserVariable);
        metrics.PinsChanged(PinReason.None, PinReason.Transaction);
        metrics.PinsChanged(PinReason.Transaction | PinReason.UserVariable, PinReason.UserVariable | PinReason.TemporaryTable);

        var text = await ExportAsync(metrics);
        Assert.Contains("switchyard_pinned_sessions{reason=\"transaction\"} 1", text);
        Assert.Contains("switchyard_pinned_sessions{reason=\"user_variable\"} 1", text);
        Assert.Contains("switchyard_pinned_sessions{reason=\"temporary_table\"} 1", text);
    }

    [Fact]
    public async Task PinsChanged_MultiStatementState_UsesASnakeCaseLabel()
    {
        var metrics = Create(out _);

        metrics.PinsChanged(PinReason.None, PinReason.MultiStatementState);
        metrics.PinsChanged(PinReason.MultiStatementState, PinReason.None);

        Assert.Contains("switchyard_pinned_sessions{reason=\"multi_statement_state\"} 0", await ExportAsync(metrics));
    }

    [Fact]
    public async Task BackendShunned_CountsPerBackend()
    {
        var metrics = Create(out _);

        metrics.BackendShunned("replica1");
        metrics.BackendShunned("replica1");
        metrics.BackendShunned("unknown");

        var text = await ExportAsync(metrics);
        Assert.Contains("switchyard_backend_shunned_total{backend=\"replica1\"} 2", text);
        Assert.Contains("switchyard_backend_shunned_total{backend=\"primary\"} 0", text);
    }

    [Fact]
    public void ClientConnections_ConnectedThenDisconnected_ReturnsToZero()
    {
        var metrics = Create(out _);

        metrics.ClientConnected();
        metrics.ClientDisconnected();

        Assert.Equal(0, metrics.ClientConnections);
    }

    private ProxyMetrics Create(out List<BackendEndpoint> backends)
    {
        backends =
        [
            new BackendEndpoint(new BackendConfig { Name = "primary", Host = "127.0.0.1", Port = 1, Role = BackendRole.Primary }),
            new BackendEndpoint(new BackendConfig { Name = "replica1", Host = "127.0.0.1", Port = 2 }),
        ];
        var pools = new Dictionary<string, BackendPool>();
        foreach (var backend in backends)
        {
            var pool = new BackendPool(backend, _connector, new PoolConfig { MinIdle = 0 }, NullLogger.Instance);
            _pools.Add(pool);
            pools[backend.Name] = pool;
        }
        return new ProxyMetrics(backends, pools);
    }

    private static async Task<string> ExportAsync(ProxyMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var pool in _pools)
            await pool.DisposeAsync();
    }
}
