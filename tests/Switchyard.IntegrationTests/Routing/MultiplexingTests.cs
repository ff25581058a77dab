using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Routing;

/// <summary>Many clients share few backend connections: a session holds none between statements.</summary>
[Collection(ProxyCollection.Name)]
public sealed class MultiplexingTests
{
    [Fact]
    public async Task AThousandConnectedClientsAreServedByAtMostFiftyBackendConnections()
    {
        const int clients = 1000, batch = 50, readsEach = 3;
        await using var server = await ReplicatedProxyFixture.StartAsync(c => c with
        {
            Pool = c.Pool with { MaxConnectionsPerBackend = 16, WaitTimeout = TimeSpan.FromSeconds(20) },
        });
        var pools = server.Context.Pools.Values.ToList();
        var connectionString = Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app", "Connection Timeout=30;");
        var connections = new List<MySqlConnection>();
        var maxOpen = 0;
        void Sample() => maxOpen = Math.Max(maxOpen, pools.Sum(p => p.OpenConnections));
        try
        {
            for (var i = 0; i < clients; i += batch)
            {
                var opened = await Task.WhenAll(Enumerable.Range(0, batch).Select(async _ =>
                {
                    var connection = new MySqlConnection(connectionString);
                    await connection.OpenAsync();
                    return connection;
                }));
                connections.AddRange(opened);
                Sample();
            }

            var servedBy = new List<long>[clients];
            for (var i = 0; i < clients; i += batch)
            {
                await Task.WhenAll(Enumerable.Range(i, batch).Select(async c =>
                    servedBy[c] = await Routes.ServerIdsAsync(connections[c], readsEach, $"SELECT @@server_id, {c}")));
                Sample();
            }
            var stillConnected = server.ActiveSessions;

            Assert.Equal(clients, stillConnected);
            Assert.All(servedBy, ids => Assert.Equal(readsEach, ids.Count));
            Routes.AssertSpreadOverBothReplicas(servedBy.SelectMany(ids => ids).ToList());
            Assert.True(maxOpen <= 50, $"the proxy opened {maxOpen} backend connections for {clients} clients");
        }
        finally
        {
            foreach (var connection in connections)
                await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task ASessionGetsBackTheConnectionItUsedLastWhileThatOneIsIdle()
    {
        await using var server = await ProxyFixture.StartProxyAsync();
        var pool = server.Context.PrimaryPool;
        var connectionString = Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app");
        await using var a = new MySqlConnection(connectionString);
        await using var b = new MySqlConnection(connectionString);
        await a.OpenAsync();
        await b.OpenAsync();
        static async Task<long> ServedByAsync(MySqlConnection client) => Convert.ToInt64(await Sql.ScalarAsync(client, "SELECT CONNECTION_ID()"));
        Task LeasedAsync(int count) => Poll.UntilAsync(() => Task.FromResult(pool.LeasedConnections == count), TimeSpan.FromSeconds(10),
            $"{count} primary connection(s) lent out", () => $"{pool.LeasedConnections} lent out, {pool.IdleConnections} idle");

        // B's transaction holds one connection while A is served on another; then B gives its connection back, after
        // A did, so that the most recently returned connection is B's.
        await Sql.ExecuteAsync(b, "BEGIN");
        var servedB = await ServedByAsync(b);
        var firstA = await ServedByAsync(a);
        await LeasedAsync(1);
        await Sql.ExecuteAsync(b, "COMMIT");
        await LeasedAsync(0);
        var secondA = await ServedByAsync(a);

        Assert.NotEqual(servedB, firstA);
        Assert.Equal(firstA, secondA);
    }
}
