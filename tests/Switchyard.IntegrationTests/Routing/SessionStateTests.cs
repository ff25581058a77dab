using MySqlConnector;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Configuration;

namespace Switchyard.IntegrationTests.Routing;

/// <summary>Movable session state (SET SESSION variables, SET NAMES, isolation level, current schema) is
/// replayed on whichever backend connection serves the next statement, and never leaks to another client
/// that shares those connections.</summary>
[Collection(ProxyCollection.Name)]
public sealed class SessionStateTests(ReplicatedProxyFixture proxy) : IClassFixture<ReplicatedProxyFixture>
{
    [Theory]
    [InlineData("SET SESSION sql_mode = 'ANSI_QUOTES'", "@@sql_mode", "ANSI_QUOTES")]
    [InlineData("SET time_zone = '+05:00'", "@@time_zone", "+05:00")]
    [InlineData("SET NAMES latin1", "CONCAT_WS(',', @@character_set_client, @@character_set_connection, @@character_set_results)", "latin1,latin1,latin1")]
    [InlineData("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", "@@tx_isolation", "READ-COMMITTED")]
    public async Task SessionSettingIsVisibleOnEveryLaterReadAcrossBothReplicas(string set, string expression, string expected)
    {
        await using var connection = new MySqlConnection(proxy.Proxy());
        await connection.OpenAsync();
        var before = await Sql.RowsAsync(connection, $"SELECT @@server_id, {expression}");

        await Sql.ExecuteAsync(connection, set);
        var reads = new List<List<string>>();
        for (var i = 0; i < 10; i++)
            reads.AddRange(await Sql.RowsAsync(connection, $"SELECT @@server_id, {expression}"));

        Assert.NotEqual(expected, before[0][1]); // the setting really changes something
        Assert.All(reads, r => Assert.Equal(expected, r[1]));
        Routes.AssertSpreadOverBothReplicas(reads.Select(r => long.Parse(r[0])).ToList());
    }

    [Fact]
    public async Task UseIsVisibleOnEveryLaterReadAcrossBothReplicas()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE marker (v VARCHAR(64)); INSERT INTO marker VALUES (DATABASE())");
        await Replication.WaitForReplicasAsync();
        await using var connection = new MySqlConnection(proxy.Proxy());
        await connection.OpenAsync();

        await Sql.ExecuteAsync(connection, $"USE `{db.Name}`");
        var reads = new List<List<string>>();
        for (var i = 0; i < 10; i++)
            reads.AddRange(await Sql.RowsAsync(connection, "SELECT @@server_id, DATABASE(), v FROM marker"));

        Assert.All(reads, r => Assert.Equal([db.Name, db.Name], r[1..]));
        Routes.AssertSpreadOverBothReplicas(reads.Select(r => long.Parse(r[0])).ToList());
    }

    [Fact]
    public async Task SessionStateNeverLeaksToAnotherClientSharingTheSameBackendConnections()
    {
        await using var dbA = await TestDatabase.CreateAsync("StateLeakA");
        await using var dbB = await TestDatabase.CreateAsync("StateLeakB");
        foreach (var db in new[] { dbA, dbB })
            await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE seen (who CHAR(1), server_id BIGINT, state VARCHAR(200))");
        await Replication.WaitForReplicasAsync();
        await using var server = await ReplicatedProxyFixture.StartAsync(c => c with { Pool = c.Pool with { MaxConnectionsPerBackend = 1 } });
        const string State = "CONCAT_WS('|', @@sql_mode, @@time_zone, @@character_set_client, @@character_set_results, @@tx_isolation, DATABASE())";

        string Through(string db) => Cluster.ConnectionString(server.MySqlEndPoint.Port, db, "app", "app");
        // What a client with B's connection string sees when nobody else touched anything: a direct connection.
        var defaults = Sql.Render(await Sql.ScalarAsync(Cluster.Direct(dbB.Name), $"SELECT {State}"));
        var expectedA = $"ANSI_QUOTES|+05:00|latin1|latin1|READ-COMMITTED|{dbA.Name}";
        await using var a = new MySqlConnection(Through(dbB.Name));
        await using var b = new MySqlConnection(Through(dbB.Name));
        await a.OpenAsync();
        await b.OpenAsync();

        await Sql.ExecuteAsync(a, "SET SESSION sql_mode = 'ANSI_QUOTES'");
        await Sql.ExecuteAsync(a, "SET time_zone = '+05:00'");
        await Sql.ExecuteAsync(a, "SET NAMES latin1");
        await Sql.ExecuteAsync(a, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
        await Sql.ExecuteAsync(a, $"USE `{dbA.Name}`");
        var readsA = new List<List<string>>();
        var readsB = new List<List<string>>();
        for (var i = 0; i < 6; i++)
        {
            // Round-robin is shared by all sessions: an odd number of reads per round makes A and B swap
            // replicas, so each client uses both single replica connections after the other.
            for (var r = 0; r < 1 + i % 2; r++)
                readsA.AddRange(await Sql.RowsAsync(a, $"SELECT @@server_id, {State}"));
            readsB.AddRange(await Sql.RowsAsync(b, $"SELECT @@server_id, {State}"));
            await Sql.ExecuteAsync(a, $"INSERT INTO seen SELECT 'A', @@server_id, {State}");
            readsA.AddRange(await Sql.RowsAsync(a, $"SELECT @@server_id, {State}"));
            await Sql.ExecuteAsync(b, $"INSERT INTO seen SELECT 'B', @@server_id, {State}");
            readsB.AddRange(await Sql.RowsAsync(b, $"SELECT @@server_id, {State}"));
        }

        Assert.NotEqual(expectedA, defaults);
        Assert.All(readsA, r => Assert.Equal(expectedA, r[1]));
        Assert.All(readsB, r => Assert.Equal(defaults, r[1]));
        Routes.AssertSpreadOverBothReplicas(readsA.Select(r => long.Parse(r[0])).ToList());
        Routes.AssertSpreadOverBothReplicas(readsB.Select(r => long.Parse(r[0])).ToList());
        var writesA = await RowsOnThePrimaryAsync(dbA.Name, "SELECT who, server_id, state FROM seen");
        var writesB = await RowsOnThePrimaryAsync(dbB.Name, "SELECT who, server_id, state FROM seen");
        Assert.Equal(Enumerable.Repeat(new List<string> { "A", "1", expectedA }, 6), writesA);
        Assert.Equal(Enumerable.Repeat(new List<string> { "B", "1", defaults }, 6), writesB);
    }

    private static async Task<List<List<string>>> RowsOnThePrimaryAsync(string database, string sql)
    {
        await using var connection = new MySqlConnection(Cluster.Root(database));
        await connection.OpenAsync();
        return await Sql.RowsAsync(connection, sql);
    }
}
