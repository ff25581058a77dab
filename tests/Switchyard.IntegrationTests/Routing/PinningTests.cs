using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Routing;

/// <summary>State that lives in one backend connection pins the session to it (so later statements, reads too,
/// see that state on the primary) until the state is gone, after which reads return to the replicas.</summary>
[Collection(ProxyCollection.Name)]
public sealed class PinningTests(ReplicatedProxyFixture proxy) : IClassFixture<ReplicatedProxyFixture>
{
    private const int ErrorTableNotLocked = 1100, ErrorNoSuchTable = 1146, ErrorUnknownPreparedStatement = 1243;

    [Fact]
    public async Task UserVariableKeepsEveryLaterStatementOnThePrimaryUntilTheConnectionIsReset()
    {
        await using var client = await RawMySqlClient.LoginAsync(proxy.Port, "app", "app");
        await ExpectOkAsync(client, "SET @a = 1");

        var pinned = new List<string?[]>();
        for (var i = 0; i < 6; i++)
            pinned.Add(await RowAsync(client, "SELECT @@server_id, @a"));
        await ResetAsync(client);
        var released = new List<string?[]>();
        for (var i = 0; i < 10; i++)
            released.Add(await RowAsync(client, "SELECT @@server_id, @a"));

        Assert.All(pinned, row => Assert.Equal(new string?[] { "1", "1" }, row.AsEnumerable()));
        Routes.AssertSpreadOverBothReplicas(ServerIds(released));
        Assert.All(released, row => Assert.Null(row[1]));
    }

    [Fact]
    public async Task TemporaryTableIsUsableOnEveryLaterStatementUntilTheConnectionIsReset()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Replication.WaitForReplicasAsync();
        await using var client = await RawMySqlClient.LoginAsync(proxy.Port, "app", "app", db.Name);
        await ExpectOkAsync(client, "CREATE TEMPORARY TABLE tmp (a INT)");
        await ExpectOkAsync(client, "INSERT INTO tmp VALUES (1), (2)");

        var pinned = new List<string?[]>();
        for (var i = 0; i < 6; i++)
        {
            pinned.Add(await RowAsync(client, "SELECT @@server_id, COUNT(*) FROM tmp"));
            await ExpectOkAsync(client, $"INSERT INTO tmp VALUES ({i})");
        }
        await ResetAsync(client);
        await client.QueryAsync("SELECT COUNT(*) FROM tmp");
        var gone = (await client.ReadTextResultAsync()).End;
        var released = new List<string?[]>();
        for (var i = 0; i < 10; i++)
            released.Add(await RowAsync(client, "SELECT @@server_id"));

        Assert.Equal(Enumerable.Range(0, 6).Select(i => new[] { "1", (2 + i).ToString() }), pinned);
        Assert.Equal(ErrorNoSuchTable, RawMySqlClient.ParseError(gone).Code);
        Routes.AssertSpreadOverBothReplicas(ServerIds(released));
    }

    [Fact]
    public async Task NamedLockPinsUntilReleaseAllLocksThenReadsReturnToTheReplicas()
    {
        await using var connection = new MySqlConnection(proxy.Proxy());
        await connection.OpenAsync();
        var lockName = $"pin_{Guid.NewGuid():N}";

        Assert.Equal(1L, Convert.ToInt64(await Sql.ScalarAsync(connection, $"SELECT GET_LOCK('{lockName}', 5)")));
        var pinned = new List<List<string>>();
        for (var i = 0; i < 5; i++)
            pinned.Add((await Sql.RowsAsync(connection, $"SELECT @@server_id, IS_USED_LOCK('{lockName}') = CONNECTION_ID()"))[0]);
        Assert.Equal(1L, Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT RELEASE_ALL_LOCKS()")));
        var released = await Routes.ServerIdsAsync(connection, 10);

        Assert.All(pinned, row => Assert.Equal(["1", "1"], row)); // the very connection that holds the lock
        Routes.AssertSpreadOverBothReplicas(released);
        Assert.Null(await Sql.ScalarAsync(Cluster.Root(), $"SELECT IS_USED_LOCK('{lockName}')"));
    }

    [Fact]
    public async Task LockTablesPinsUntilUnlockTablesThenReadsReturnToTheReplicas()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE t (a INT); CREATE TABLE other (a INT); INSERT INTO t VALUES (1)");
        await Replication.WaitForReplicasAsync();
        await using var connection = new MySqlConnection(proxy.Proxy(db.Name));
        await connection.OpenAsync();

        await Sql.ExecuteAsync(connection, "LOCK TABLES t READ");
        var pinned = await Routes.ServerIdsAsync(connection, 5, "SELECT @@server_id, COUNT(*) FROM t");
        // Only the connection holding LOCK TABLES refuses a table it did not lock.
        var notLocked = await Assert.ThrowsAsync<MySqlException>(() => Sql.ScalarAsync(connection, "SELECT COUNT(*) FROM other"));
        await Sql.ExecuteAsync(connection, "UNLOCK TABLES");
        var released = await Routes.ServerIdsAsync(connection, 10, "SELECT @@server_id, COUNT(*) FROM other");

        Routes.AssertAllOnThePrimary(pinned);
        Assert.Equal(ErrorTableNotLocked, notLocked.Number);
        Routes.AssertSpreadOverBothReplicas(released);
    }

    [Fact]
    public async Task SqlPrepareRunsOnThePinnedConnectionUntilTheConnectionIsReset()
    {
        await using var client = await RawMySqlClient.LoginAsync(proxy.Port, "app", "app");
        await ExpectOkAsync(client, "PREPARE s FROM 'SELECT @@server_id, ?'");
        await ExpectOkAsync(client, "SET @p = 'param'");

        var pinned = new List<string?[]>();
        for (var i = 0; i < 5; i++)
            pinned.Add(await RowAsync(client, "EXECUTE s USING @p"));
        await ExpectOkAsync(client, "DEALLOCATE PREPARE s");
        await ResetAsync(client);
        await client.QueryAsync("EXECUTE s USING 1");
        var gone = (await client.ReadTextResultAsync()).End;
        var released = new List<string?[]>();
        for (var i = 0; i < 10; i++)
            released.Add(await RowAsync(client, "SELECT @@server_id"));

        Assert.All(pinned, row => Assert.Equal(new string?[] { "1", "param" }, row.AsEnumerable()));
        Assert.Equal(ErrorUnknownPreparedStatement, RawMySqlClient.ParseError(gone).Code);
        Routes.AssertSpreadOverBothReplicas(ServerIds(released));
    }

    [Fact]
    public async Task FoundRowsAnswersAboutThePreviousCalcFoundRowsSelect()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t SELECT seq FROM seq_1_to_50");
        await Replication.WaitForReplicasAsync();
        await using var connection = new MySqlConnection(proxy.Proxy(db.Name));
        await connection.OpenAsync();

        var found = new List<long>();
        for (var limit = 3; limit <= 12; limit++)
        {
            Assert.Single(await Sql.RowsAsync(connection, $"SELECT SQL_CALC_FOUND_ROWS id FROM t WHERE id <= {limit} LIMIT 1"));
            found.Add(Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT FOUND_ROWS()")));
        }
        var after = await Routes.ServerIdsAsync(connection, 10);

        Assert.Equal(Enumerable.Range(3, 10).Select(i => (long)i), found);
        Routes.AssertSpreadOverBothReplicas(after); // kept for the next statement only
    }

    [Fact]
    public async Task LastInsertIdAnswersAboutThePreviousInsert()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, tag VARCHAR(40))");
        await Replication.WaitForReplicasAsync();
        await using var connection = new MySqlConnection(proxy.Proxy(db.Name));
        await connection.OpenAsync();

        var ids = new List<(long Reported, long Asked)>();
        for (var i = 0; i < 5; i++)
        {
            await using var insert = new MySqlCommand($"INSERT INTO t (tag) VALUES ('row {i}')", connection);
            await insert.ExecuteNonQueryAsync();
            ids.Add((insert.LastInsertedId, Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT LAST_INSERT_ID()"))));
        }
        var after = await Routes.ServerIdsAsync(connection, 10);

        Assert.Equal(Enumerable.Range(1, 5).Select(i => ((long)i, (long)i)), ids);
        Routes.AssertSpreadOverBothReplicas(after);
    }

    [Fact]
    public async Task ConcurrentClientsInsertingEachSeeTheirOwnLastInsertId()
    {
        const int clients = 40, insertsEach = 5;
        await using var db = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, tag VARCHAR(40))");
        await Replication.WaitForReplicasAsync();

        var seen = await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            await using var connection = new MySqlConnection(proxy.Proxy(db.Name));
            await connection.OpenAsync();
            var mine = new List<(long Id, string Tag)>();
            for (var i = 0; i < insertsEach; i++)
            {
                var tag = $"client {c} insert {i}";
                await Sql.ExecuteAsync(connection, $"INSERT INTO t (tag) VALUES ('{tag}')");
                mine.Add((Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT LAST_INSERT_ID()")), tag));
            }
            return mine;
        }));

        await using var primary = new MySqlConnection(Cluster.Root(db.Name));
        await primary.OpenAsync();
        var stored = (await Sql.RowsAsync(primary, "SELECT id, tag FROM t")).ToDictionary(r => long.Parse(r[0]), r => r[1]);
        Assert.Equal(clients * insertsEach, stored.Count);
        Assert.All(seen.SelectMany(s => s), s => Assert.Equal(s.Tag, stored.GetValueOrDefault(s.Id)));
    }

    [Fact]
    public async Task MySqlConnectorConnectionResetClearsPinsAndReadsReturnToTheReplicas()
    {
        var connectionString = proxy.Proxy(extra: $"Pooling=true;ConnectionReset=true;AllowUserVariables=true;Application Name=pin_{Guid.NewGuid():N}");
        List<List<string>> pinned;
        int thread;
        await using (var first = new MySqlConnection(connectionString))
        {
            await first.OpenAsync();
            thread = first.ServerThread;
            await Sql.ExecuteAsync(first, "SET @a = 1");
            pinned = await Sql.RowsAsync(first, "SELECT @@server_id, @a");
        }

        List<long> released;
        object? variable;
        await using (var second = new MySqlConnection(connectionString))
        {
            await second.OpenAsync();
            Assert.Equal(thread, second.ServerThread); // the same proxy session, taken from the pool and reset
            variable = await Sql.ScalarAsync(second, "SELECT @a");
            released = await Routes.ServerIdsAsync(second, 10);
        }
        MySqlConnection.ClearPool(new MySqlConnection(connectionString));

        Assert.Equal(["1", "1"], Assert.Single(pinned));
        Assert.Null(variable);
        Routes.AssertSpreadOverBothReplicas(released);
    }

    private static List<long> ServerIds(IEnumerable<string?[]> rows) => rows.Select(r => long.Parse(r[0]!)).ToList();

    private static async Task ExpectOkAsync(RawMySqlClient client, string sql)
    {
        await client.QueryAsync(sql);
        var (rows, end) = await client.ReadTextResultAsync();
        Assert.True(end[0] == 0x00 && rows.Count == 0, $"{sql}: {RawMySqlClient.Describe(end)}");
    }

    private static async Task<string?[]> RowAsync(RawMySqlClient client, string sql)
    {
        await client.QueryAsync(sql);
        var (rows, end) = await client.ReadTextResultAsync();
        Assert.True(end[0] == 0xFE, $"{sql}: {RawMySqlClient.Describe(end)}");
        return Assert.Single(rows);
    }

    private static async Task ResetAsync(RawMySqlClient client)
    {
        await client.CommandAsync(RawMySqlClient.ComResetConnection, []);
        var (_, ok) = await client.ReadPacketAsync();
        Assert.True(ok[0] == 0x00, RawMySqlClient.Describe(ok));
    }
}
