using MySqlConnector;
using Switchyard.IntegrationTests.Monitoring;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Configuration;
using Switchyard.Routing.Health;

namespace Switchyard.IntegrationTests.Routing;

/// <summary>Backends reached over their Unix sockets (`socket:` instead of `address:`): the data path, the monitor and
/// the errors work as over TCP. The server itself tells which transport a connection came in on: PROCESSLIST shows
/// 'localhost' for a Unix socket and 'ip:port' for TCP.</summary>
[Collection(ProxyCollection.Name)]
public sealed class UnixSocketBackendTests
{
    private const string WhoAmI = "SELECT @@server_id, (SELECT HOST FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID())";

    [Fact]
    public async Task ReadsWritesAndTheMonitorUseTheSockets()
    {
        var sockets = await ClusterSocketsAsync();
        await using var proxy = await MonitorSupport.StartAsync(more: c => c with
        {
            Backends = [.. c.Backends.Select(b => b with { Host = "", Port = 0, Socket = sockets[b.Name] })],
        });
        foreach (var name in sockets.Keys)
            await proxy.WaitForStateAsync(name, HealthState.Online, TimeSpan.FromSeconds(10));

        await using var db = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE t (server_id BIGINT, host VARCHAR(64))");
        await Replication.WaitForReplicasAsync();
        await using var connection = new MySqlConnection(Cluster.ConnectionString(proxy.MySqlEndPoint.Port, db.Name, "app", "app"));
        await connection.OpenAsync();

        var reads = new List<(long ServerId, string Host)>();
        for (var i = 0; i < 10; i++)
        {
            var row = (await Sql.RowsAsync(connection, WhoAmI))[0];
            reads.Add((long.Parse(row[0]), row[1]));
        }
        await Sql.ExecuteAsync(connection, "INSERT INTO t SELECT @@server_id, HOST FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()");

        Routes.AssertSpreadOverBothReplicas(reads.Select(r => r.ServerId).ToList());
        Assert.All(reads, r => Assert.Equal("localhost", r.Host));
        await using var primary = new MySqlConnection(Cluster.Root(db.Name));
        await primary.OpenAsync();
        var written = (await Sql.RowsAsync(primary, "SELECT server_id, host FROM t"))[0];
        Assert.Equal(Replication.PrimaryServerId.ToString(), written[0]);
        Assert.Equal("localhost", written[1]);
    }

    [Fact]
    public async Task AMissingSocketFileIsNamedInTheClientsError()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"switchyard-no-such-{Guid.NewGuid():N}.sock");
        await using var proxy = await ProxyFixture.StartProxyAsync(c => c with
        {
            Backends = [new BackendConfig { Name = "primary", Host = "", Port = 0, Socket = missing, Role = BackendRole.Primary }],
        });
        await using var connection = new MySqlConnection(Cluster.ConnectionString(proxy.MySqlEndPoint.Port, null, "app", "app"));

        var error = await Assert.ThrowsAsync<MySqlException>(() => connection.OpenAsync());

        Assert.Contains($"backend 'primary' ({missing}) is unavailable", error.Message);
        Assert.Contains("the socket file does not exist", error.Message);
    }

    /// <summary>Each cluster server's own Unix socket, as the server reports it.</summary>
    private static async Task<Dictionary<string, string>> ClusterSocketsAsync()
    {
        var sockets = new Dictionary<string, string>();
        foreach (var (name, port) in new[] { ("primary", Cluster.PrimaryPort), ("replica1", Cluster.Replica1Port), ("replica2", Cluster.Replica2Port) })
        {
            var path = (string)(await Sql.ScalarAsync(Replication.Root(port), "SELECT @@socket"))!;
            Assert.True(File.Exists(path), $"{name}'s socket {path} is not on this machine (containers keep theirs inside)");
            sockets[name] = path;
        }
        return sockets;
    }
}
