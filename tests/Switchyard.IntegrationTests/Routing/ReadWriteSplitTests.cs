using System.Net;
using System.Net.Sockets;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Configuration;

namespace Switchyard.IntegrationTests.Routing;

/// <summary>Writes go to the primary, autocommit reads to the replicas, reads that lock or ask about the
/// session to the primary, and reads fall back to the primary without replicas.</summary>
[Collection(ProxyCollection.Name)]
public sealed class ReadWriteSplitTests(ReplicatedProxyFixture proxy) : IClassFixture<ReplicatedProxyFixture>
{
    [Fact]
    public async Task WritesLandOnThePrimary()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, server_id BIGINT, note VARCHAR(20))");
        await Replication.WaitForReplicasAsync();
        await using var connection = new MySqlConnection(proxy.Proxy(db.Name));
        await connection.OpenAsync();

        for (var i = 0; i < 4; i++)
            await Sql.ExecuteAsync(connection, "INSERT INTO t (server_id, note) SELECT @@server_id, 'select'");
        await Sql.ExecuteAsync(connection, "INSERT INTO t (server_id, note) VALUES (@@server_id, 'values')");
        await Sql.ExecuteAsync(connection, "UPDATE t SET note = CONCAT(note, '@', @@server_id) WHERE note = 'values'");

        await using var primary = new MySqlConnection(Cluster.Root(db.Name));
        await primary.OpenAsync();
        var rows = await Sql.RowsAsync(primary, "SELECT server_id, note FROM t ORDER BY id");
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.Equal("1", r[0]));
        Assert.Equal("values@1", rows[^1][1]);
    }

    [Fact]
    public async Task AutocommitReadsAreSpreadOverBothReplicasAndNeverReachThePrimary()
    {
        await using var connection = new MySqlConnection(proxy.Proxy());
        await connection.OpenAsync();

        var ids = await Routes.ServerIdsAsync(connection, 20);
        var ports = await Routes.ServerIdsAsync(connection, 10, "SELECT @@port");

        Routes.AssertSpreadOverBothReplicas(ids);
        Assert.Equal(Replication.Replicas.Select(r => (long)r.Port).Order(), ports.Distinct().Order());
    }

    [Fact]
    public async Task ReadsOnSeparateConnectionsAreSpreadOverBothReplicas()
    {
        var ids = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            await using var connection = new MySqlConnection(proxy.Proxy());
            await connection.OpenAsync();
            ids.Add(await Routes.ServerIdAsync(connection, "SELECT @@server_id, 'a read'"));
        }

        Routes.AssertSpreadOverBothReplicas(ids);
    }

    [Fact]
    public async Task SelectForUpdateRunsOnThePrimary()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1)");
        await Replication.WaitForReplicasAsync();
        await using var connection = new MySqlConnection(proxy.Proxy(db.Name));
        await connection.OpenAsync();

        var forUpdate = await Routes.ServerIdsAsync(connection, 5, "SELECT @@server_id FROM t WHERE id = 1 FOR UPDATE");
        var shared = await Routes.ServerIdsAsync(connection, 5, "SELECT @@server_id FROM t WHERE id = 1 LOCK IN SHARE MODE");
        var plain = await Routes.ServerIdsAsync(connection, 10, "SELECT @@server_id FROM t WHERE id = 1");

        Routes.AssertAllOnThePrimary(forUpdate);
        Routes.AssertAllOnThePrimary(shared);
        Routes.AssertSpreadOverBothReplicas(plain);
    }

    [Fact]
    public async Task GetLockAndLastInsertIdReadsRunOnThePrimary()
    {
        await using var connection = new MySqlConnection(proxy.Proxy());
        await connection.OpenAsync();
        var lockName = $"rw_{Guid.NewGuid():N}";

        var lastInsertId = await Routes.ServerIdsAsync(connection, 5, "SELECT @@server_id, LAST_INSERT_ID()");
        var getLock = await Routes.ServerIdAsync(connection, $"SELECT @@server_id, GET_LOCK('{lockName}', 5)");
        var isUsed = Convert.ToInt64(await Sql.ScalarAsync(Cluster.Root(), $"SELECT IS_USED_LOCK('{lockName}') IS NOT NULL"));
        await Sql.ExecuteAsync(connection, "SELECT RELEASE_ALL_LOCKS()");

        Routes.AssertAllOnThePrimary(lastInsertId);
        Assert.Equal(Replication.PrimaryServerId, getLock);
        Assert.Equal(1, isUsed); // the lock is held on the primary itself
    }

    [Fact]
    public async Task ReadsFallBackToThePrimaryWhenNoReplicaIsReachable()
    {
        var deadPort = UnusedPort();
        await using var server = await ProxyFixture.StartProxyAsync(c => c with
        {
            Backends = [.. c.Backends, new BackendConfig { Name = "dead", Host = Cluster.Host, Port = deadPort, Role = BackendRole.Replica }],
        });
        await using var connection = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app"));
        await connection.OpenAsync();

        var ids = await Routes.ServerIdsAsync(connection, 6);

        Routes.AssertAllOnThePrimary(ids);
        // Each fallen-back read is counted, and counted as a read the primary served.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var metrics = await http.GetStringAsync($"http://{server.HttpEndPoint}/metrics");
        Assert.True(MetricValue(metrics, "switchyard_routing_fallbacks_total{reason=\"no_eligible_replica\"}") >= 6, metrics);
        Assert.True(MetricValue(metrics, "switchyard_queries_total{route=\"primary\",class=\"read\"}") >= 6, metrics);
        Assert.Equal(0, MetricValue(metrics, "switchyard_queries_total{route=\"replica\",class=\"read\"}"));
    }

    /// <summary>The value of one series in Prometheus text exposition (0 when absent).</summary>
    private static double MetricValue(string exposition, string series) =>
        exposition.Split('\n').Where(line => line.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(line => double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();

    /// <summary>A port nothing listens on: bound once by the OS, then released.</summary>
    internal static int UnusedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
