using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Configuration;

namespace Switchyard.IntegrationTests.Faults;

[Collection(ProxyCollection.Name)]
public sealed class BackendFaultTests(ProxyFixture proxy)
{
    [Fact]
    public async Task BackendThatIsDownIsNamedInTheErrorWithinTheConnectTimeout()
    {
        int deadPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            deadPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        await using var server = await ProxyFixture.StartProxyAsync(c => c with { Backends = [OnlyPrimary("dead-primary", deadPort)] });
        var watch = Stopwatch.StartNew();

        await using var connection = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app"));
        var error = await Assert.ThrowsAsync<MySqlException>(() => connection.OpenAsync());

        Assert.True(watch.Elapsed < ProxyFixture.BackendConnectTimeout + TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
        Assert.Equal(2003, error.Number);
        Assert.Contains("'dead-primary'", error.Message);
        Assert.Contains($"127.0.0.1:{deadPort}", error.Message);
        Assert.Contains("connection refused", error.Message);
    }

    [Fact]
    public async Task HungBackendGivesAnErrorNamingItWithinTheHandshakeTimeoutInsteadOfHanging()
    {
        await using var backend = await PrivateMariaDb.StartAsync();
        await using var server = await ProxyFixture.StartProxyAsync(c => c with
        {
            Backends = [OnlyPrimary("frozen", backend.Port)],
            // Every session opens a fresh backend connection: this test is about the handshake with a hung server.
            Pool = c.Pool with { IdleTimeout = TimeSpan.FromMilliseconds(1) },
        });
        var connectionString = Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app", "Connection Timeout=15;");
        Assert.Equal(backend.Port, Convert.ToInt32(await Sql.ScalarAsync(connectionString, "SELECT @@port")));

        await backend.FreezeAsync();
        var watch = Stopwatch.StartNew();
        await using (var connection = new MySqlConnection(connectionString))
        {
            var error = await Assert.ThrowsAsync<MySqlException>(() => connection.OpenAsync());

            Assert.True(watch.Elapsed < ProxyFixture.BackendHandshakeTimeout + TimeSpan.FromSeconds(1.5), $"took {watch.Elapsed}");
            Assert.Equal(2003, error.Number);
            Assert.Contains("'frozen'", error.Message);
            Assert.Contains("handshake", error.Message);
        }

        await backend.ThawAsync();
        Assert.Equal(backend.Port, Convert.ToInt32(await Sql.ScalarAsync(connectionString, "SELECT @@port")));
    }

    [Fact]
    public async Task KilledBackendConnectionHoldingATransactionGivesAClearErrorAndTheClientCanReconnect()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var other = await BackgroundClient.StartAsync(proxy.Proxy());
        await using var connection = new MySqlConnection(proxy.Proxy(db.Name));
        await connection.OpenAsync();
        await Sql.ExecuteAsync(connection, "CREATE TABLE k (id INT PRIMARY KEY)");
        // A transaction pins the session to one backend connection: that is the one to kill.
        await Sql.ExecuteAsync(connection, "BEGIN");
        var backendThread = Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT CONNECTION_ID()"));

        await Sql.ExecuteAsync(Cluster.Root(), $"KILL {backendThread}");

        var error = await Assert.ThrowsAsync<MySqlException>(() => Sql.ScalarAsync(connection, "SELECT COUNT(*) FROM k"));
        Assert.True(error.Number is 2013 or 1927, $"{error.Number}: {error.Message}");
        if (error.Number == 2013)
            Assert.Contains("primary", error.Message);
        // The transaction is gone with its connection; a new connection works at once.
        await using var again = new MySqlConnection(proxy.Proxy(db.Name));
        await again.OpenAsync();
        Assert.Equal(0L, Convert.ToInt64(await Sql.ScalarAsync(again, "SELECT COUNT(*) FROM k")));
        await other.WaitForProgressAsync();
    }

    [Fact]
    public async Task KillingTheBackendOfAnotherClientMidQueryLeavesThisClientWorking()
    {
        await using var other = await BackgroundClient.StartAsync(proxy.Proxy());
        await using var connection = new MySqlConnection(proxy.Proxy());
        await connection.OpenAsync();
        await Sql.ExecuteAsync(connection, "BEGIN"); // pins the session, so the sleep runs on this backend thread
        var backendThread = Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT CONNECTION_ID()"));

        var sleeping = Sql.ScalarAsync(connection, "SELECT SLEEP(20)");
        await Poll.UntilAsync(async () => Convert.ToInt64(await Sql.ScalarAsync(Cluster.Root(),
            $"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = {backendThread} AND INFO LIKE 'SELECT SLEEP%'")) == 1,
            TimeSpan.FromSeconds(5), "the query runs on the backend");
        var watch = Stopwatch.StartNew();
        await Sql.ExecuteAsync(Cluster.Root(), $"KILL {backendThread}");

        var error = await Assert.ThrowsAsync<MySqlException>(() => sleeping);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.True(error.Number is 2013 or 1927, $"{error.Number}: {error.Message}");
        await other.WaitForProgressAsync();
        await using var next = new MySqlConnection(proxy.Proxy());
        await next.OpenAsync();
        Assert.Equal(1L, Convert.ToInt64(await Sql.ScalarAsync(next, "SELECT 1")));
    }

    private static BackendConfig OnlyPrimary(string name, int port) =>
        new() { Name = name, Host = Cluster.Host, Port = port, Role = BackendRole.Primary };

    [Fact]
    public async Task PooledConnectionClosedByTheServerWhileIdleIsReplacedWithoutAnError()
    {
        await using var root = new MySqlConnection(Cluster.Root());
        await root.OpenAsync();
        // Connections opened after this one are the new proxy's: only those are killed, not other tests' proxies'.
        var marker = Convert.ToInt64(await Sql.ScalarAsync(root, "SELECT CONNECTION_ID()"));
        // Check every idle connection before it is lent, so the test needs no waiting.
        await using var server = await ProxyFixture.StartProxyAsync(c => c with { Pool = c.Pool with { LivenessCheckAfter = TimeSpan.Zero } });
        var through = Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app");
        await using (var warm = new MySqlConnection(through))
        {
            await warm.OpenAsync();
            Assert.Equal(1L, Convert.ToInt64(await Sql.ScalarAsync(warm, "SELECT 1")));
        }
        // The server ends every idle connection the proxy holds (as wait_timeout or a restart would).
        var idle = (await Sql.RowsAsync(root, $"SELECT ID FROM information_schema.PROCESSLIST WHERE USER = 'switchyard' AND COMMAND = 'Sleep' AND ID > {marker}"))
            .Select(row => row[0]).ToList();
        Assert.NotEmpty(idle);
        foreach (var id in idle)
            await Sql.ExecuteAsync(root, $"KILL {id}");
        await Poll.UntilAsync(async () => (await Sql.RowsAsync(root,
            $"SELECT ID FROM information_schema.PROCESSLIST WHERE ID IN ({string.Join(",", idle)})")).Count == 0,
            TimeSpan.FromSeconds(5), "the killed connections are gone");

        await using var client = new MySqlConnection(through);
        await client.OpenAsync();
        for (var i = 0; i < 5; i++)
            Assert.Equal(1L, Convert.ToInt64(await Sql.ScalarAsync(client, "SELECT 1")));
    }
}
