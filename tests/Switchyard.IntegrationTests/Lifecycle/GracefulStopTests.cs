using System.Net.Sockets;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Lifecycle;

/// <summary>Stopping the proxy gracefully: no new clients, idle sessions closed at once, a transaction in progress
/// allowed to commit, and whatever is still busy at the drain timeout closed anyway.</summary>
[Collection(ProxyCollection.Name)]
public sealed class GracefulStopTests
{
    [Fact]
    public async Task DrainClosesIdleSessionsRefusesNewClientsAndLetsAnOpenTransactionCommit()
    {
        await using var database = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(database.Name), "CREATE TABLE t (id INT PRIMARY KEY)");
        var server = await ProxyFixture.StartProxyAsync();
        var port = server.MySqlEndPoint.Port;
        var connectionString = Cluster.ConnectionString(port, database.Name, "app", "app");
        Task? stopping = null;
        try
        {
            await using var idle = new MySqlConnection(connectionString);
            await idle.OpenAsync();
            await using var busy = new MySqlConnection(connectionString);
            await busy.OpenAsync();
            await using var transaction = await busy.BeginTransactionAsync();
            await using (var insert = new MySqlCommand("INSERT INTO t VALUES (1)", busy, transaction))
                await insert.ExecuteNonQueryAsync();

            stopping = server.StopAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

            await Poll.UntilAsync(async () => !await PingsAsync(idle), TimeSpan.FromSeconds(5), "the idle session is closed");
            await Poll.UntilAsync(() => Task.FromResult(!Accepts(port)), TimeSpan.FromSeconds(5), "the listener refuses connections");
            Assert.False(stopping.IsCompleted, "the stop must wait for the open transaction");

            await using (var second = new MySqlCommand("INSERT INTO t VALUES (2)", busy, transaction))
                await second.ExecuteNonQueryAsync();
            await transaction.CommitAsync();

            await stopping.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(2L, Convert.ToInt64(await Sql.ScalarAsync(Cluster.Root(database.Name), "SELECT COUNT(*) FROM t")));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task TransactionStillOpenAtTheDrainTimeoutIsClosedAndRolledBack()
    {
        await using var database = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(database.Name), "CREATE TABLE t (id INT PRIMARY KEY)");
        var server = await ProxyFixture.StartProxyAsync();
        try
        {
            await using var busy = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, database.Name, "app", "app"));
            await busy.OpenAsync();
            await using var transaction = await busy.BeginTransactionAsync();
            await using (var insert = new MySqlCommand("INSERT INTO t VALUES (1)", busy, transaction))
                await insert.ExecuteNonQueryAsync();

            var drain = TimeSpan.FromSeconds(1);
            var stopping = server.StopAsync(drain, CancellationToken.None);
            await stopping.WaitAsync(TimeSpan.FromSeconds(15));

            Assert.False(await PingsAsync(busy));
            // The backend connection that held the transaction was closed, so the server rolled it back.
            await Poll.UntilAsync(async () => Convert.ToInt64(await Sql.ScalarAsync(Cluster.Root(database.Name), "SELECT COUNT(*) FROM t")) == 0,
                TimeSpan.FromSeconds(5), "the unfinished transaction is rolled back");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task ForcedStopDoesNotWaitForTheDrainTimeout()
    {
        var server = await ProxyFixture.StartProxyAsync();
        try
        {
            await using var busy = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app"));
            await busy.OpenAsync();
            await using var transaction = await busy.BeginTransactionAsync();
            using var force = new CancellationTokenSource();
            var stopping = server.StopAsync(TimeSpan.FromMinutes(10), force.Token);
            Assert.False(stopping.IsCompleted);
            force.Cancel();
            await stopping.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.False(await PingsAsync(busy));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<bool> PingsAsync(MySqlConnection connection)
    {
        try
        {
            return await connection.PingAsync();
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
