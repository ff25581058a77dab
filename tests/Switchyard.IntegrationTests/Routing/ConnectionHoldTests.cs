using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Routing;

/// <summary>A connection kept for a client's next statement (after an insert id, warnings or a PREPARE) goes back to
/// the pool when the client stays idle, so idle clients never starve busy ones.</summary>
[Collection(ProxyCollection.Name)]
public sealed class ConnectionHoldTests
{
    [Fact]
    public async Task AClientIdleAfterAnInsertGivesItsConnectionBackToAClientWaitingForIt()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE h (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
        // One connection per backend, and a wait far longer than the hold: the second client gets the only primary
        // connection only if the first one's hold ends while that client stays idle.
        await using var server = await ReplicatedProxyFixture.StartAsync(c => c with
        {
            Pool = c.Pool with { MaxConnectionsPerBackend = 1, WaitTimeout = TimeSpan.FromSeconds(3) },
            Routing = c.Routing with { HoldForNextStatement = TimeSpan.FromMilliseconds(200) },
        });
        var through = Cluster.ConnectionString(server.MySqlEndPoint.Port, db.Name, "app", "app");
        await using var idle = new MySqlConnection(through);
        await idle.OpenAsync();
        await using var busy = new MySqlConnection(through);
        await busy.OpenAsync();

        await Sql.ExecuteAsync(idle, "INSERT INTO h (v) VALUES (1)"); // an insert id: its connection is kept a while
        var primaryPool = server.Context.PrimaryPool;
        Assert.Equal(1, primaryPool.LeasedConnections);

        await Sql.ExecuteAsync(busy, "INSERT INTO h (v) VALUES (2)");
        Assert.Equal(2L, Convert.ToInt64(await Sql.ScalarAsync(busy, "SELECT LAST_INSERT_ID()")));
        await Poll.UntilAsync(() => Task.FromResult(primaryPool.LeasedConnections == 0), TimeSpan.FromSeconds(5), "the busy client's hold ends too");
    }

    [Fact]
    public async Task LastInsertIdRightAfterAnInsertIsAnsweredByTheConnectionThatInserted()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE h (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
        await using var server = await ReplicatedProxyFixture.StartAsync(c => c with { Pool = c.Pool with { MaxConnectionsPerBackend = 4 } });
        var through = Cluster.ConnectionString(server.MySqlEndPoint.Port, db.Name, "app", "app");
        await using var other = new MySqlConnection(through);
        await other.OpenAsync();
        await using var client = new MySqlConnection(through);
        await client.OpenAsync();
        for (var i = 1; i <= 10; i++)
        {
            await Sql.ExecuteAsync(client, "INSERT INTO h (v) VALUES (1)");
            await Sql.ExecuteAsync(other, "INSERT INTO h (v) VALUES (2)"); // another session's insert in between
            var own = Convert.ToInt64(await Sql.ScalarAsync(client, "SELECT LAST_INSERT_ID()"));
            Assert.Equal(1L, Convert.ToInt64(await Sql.ScalarAsync(Cluster.Root(db.Name), $"SELECT v FROM h WHERE id = {own}")));
        }
    }
}
