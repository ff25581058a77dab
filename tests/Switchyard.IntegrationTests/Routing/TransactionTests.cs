using System.Buffers.Binary;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Routing;

/// <summary>A transaction runs on one connection from its first statement to its end: the primary for a read-write
/// transaction (however it was opened), one replica for START TRANSACTION READ ONLY.</summary>
[Collection(ProxyCollection.Name)]
public sealed class TransactionTests(ReplicatedProxyFixture proxy) : IClassFixture<ReplicatedProxyFixture>
{
    private const ushort StatusInTransaction = 0x01;
    /// <summary>ER_OPTION_PREVENTS_STATEMENT: a read_only replica refuses a write in a READ ONLY transaction with
    /// this before the transaction's own 1792 (ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION, what the primary says).</summary>
    private const int ErrorReplicaReadOnly = 1290;

    private static async Task<TestDatabase> CreateTableAsync([System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var db = await TestDatabase.CreateAsync(test);
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, server_id BIGINT)");
        await Replication.WaitForReplicasAsync();
        return db;
    }

    [Fact]
    public async Task ExplicitTransactionRunsWhollyOnThePrimaryIncludingItsReads()
    {
        await using var db = await CreateTableAsync();
        await using var connection = new MySqlConnection(proxy.Proxy(db.Name));
        await connection.OpenAsync();

        await Sql.ExecuteAsync(connection, "BEGIN");
        var inside = await Routes.ServerIdsAsync(connection, 4);
        await Sql.ExecuteAsync(connection, "INSERT INTO t (server_id) SELECT @@server_id");
        inside.AddRange(await Routes.ServerIdsAsync(connection, 3, "SELECT @@server_id, COUNT(*) FROM t"));
        var seesOwnInsert = Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT COUNT(*) FROM t"));
        await Sql.ExecuteAsync(connection, "COMMIT");
        var after = await Routes.ServerIdsAsync(connection, 10);

        Routes.AssertAllOnThePrimary(inside);
        Assert.Equal(1, seesOwnInsert); // uncommitted: only the transaction's own connection sees the row
        Assert.Equal("1", Sql.Render(await Sql.ScalarAsync(Cluster.Root(db.Name), "SELECT server_id FROM t")));
        Routes.AssertSpreadOverBothReplicas(after);
    }

    [Fact]
    public async Task StartTransactionThenRollbackRunsOnThePrimaryAndLeavesNothing()
    {
        await using var db = await CreateTableAsync();
        await using var connection = new MySqlConnection(proxy.Proxy(db.Name));
        await connection.OpenAsync();

        await Sql.ExecuteAsync(connection, "START TRANSACTION");
        await Sql.ExecuteAsync(connection, "INSERT INTO t (server_id) VALUES (@@server_id)");
        var inside = await Routes.ServerIdsAsync(connection, 5, "SELECT @@server_id, COUNT(*) FROM t");
        var seesOwnInsert = Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT COUNT(*) FROM t"));
        await Sql.ExecuteAsync(connection, "ROLLBACK");
        var countAfter = Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT COUNT(*) FROM t"));

        Routes.AssertAllOnThePrimary(inside);
        Assert.Equal(1, seesOwnInsert);
        Assert.Equal(0, countAfter);
        Assert.Equal(0L, Convert.ToInt64(await Sql.ScalarAsync(Cluster.Root(db.Name), "SELECT COUNT(*) FROM t")));
    }

    [Fact]
    public async Task AutocommitOffKeepsReadsOnThePrimaryUntilItIsTurnedBackOn()
    {
        await using var db = await CreateTableAsync();
        await using var connection = new MySqlConnection(proxy.Proxy(db.Name));
        await connection.OpenAsync();

        await Sql.ExecuteAsync(connection, "SET autocommit = 0");
        var off = await Routes.ServerIdsAsync(connection, 6);
        await Sql.ExecuteAsync(connection, "INSERT INTO t (server_id) VALUES (@@server_id)");
        off.AddRange(await Routes.ServerIdsAsync(connection, 4, "SELECT @@server_id FROM t"));
        await Sql.ExecuteAsync(connection, "SET autocommit = 1"); // commits, as on the server
        var on = await Routes.ServerIdsAsync(connection, 12);

        Routes.AssertAllOnThePrimary(off);
        Routes.AssertSpreadOverBothReplicas(on);
        Assert.Equal(1L, Convert.ToInt64(await Sql.ScalarAsync(Cluster.Root(db.Name), "SELECT COUNT(*) FROM t")));
    }

    [Fact]
    public async Task ReadOnlyTransactionRunsEveryStatementOnOneReplicaAndRefusesWrites()
    {
        await using var db = await CreateTableAsync();
        var servers = new List<long>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            await using var connection = new MySqlConnection(proxy.Proxy(db.Name));
            await connection.OpenAsync();
            await Sql.ExecuteAsync(connection, "START TRANSACTION READ ONLY");
            var inside = await Routes.ServerIdsAsync(connection, 5);
            inside.AddRange(await Routes.ServerIdsAsync(connection, 2, "SELECT @@server_id, COUNT(*) FROM t"));
            var port = Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT @@port"));
            var error = await Assert.ThrowsAsync<MySqlException>(() => Sql.ExecuteAsync(connection, "INSERT INTO t (server_id) VALUES (0)"));
            inside.AddRange(await Routes.ServerIdsAsync(connection, 2));
            await Sql.ExecuteAsync(connection, "COMMIT");

            Assert.Single(inside.Distinct());
            Assert.Contains(inside[0], Replication.ReplicaServerIds);
            Assert.Equal(Replication.Replicas.Single(r => r.ServerId == inside[0]).Port, (int)port);
            Assert.Equal(ErrorReplicaReadOnly, error.Number);
            servers.Add(inside[0]);
        }

        Assert.Equal(0L, Convert.ToInt64(await Sql.ScalarAsync(Cluster.Root(db.Name), "SELECT COUNT(*) FROM t")));
        // Read-only transactions are balanced like reads: over four of them, both replicas serve one.
        Assert.Equal(Replication.ReplicaServerIds.Order(), servers.Distinct().Order());
    }

    [Fact]
    public async Task WriteInAReadOnlyTransactionFailsAsItDoesDirectlyOnAReplica()
    {
        await using var db = await CreateTableAsync();

        async Task<(int Number, string Message)> WriteInReadOnlyTransactionAsync(int port)
        {
            await using var connection = new MySqlConnection(Cluster.ConnectionString(port, db.Name, "app", "app"));
            await connection.OpenAsync();
            await Sql.ExecuteAsync(connection, "START TRANSACTION READ ONLY");
            var error = await Assert.ThrowsAsync<MySqlException>(() => Sql.ExecuteAsync(connection, "INSERT INTO t (server_id) VALUES (0)"));
            await Sql.ExecuteAsync(connection, "ROLLBACK");
            return (error.Number, error.Message);
        }

        var proxied = await WriteInReadOnlyTransactionAsync(proxy.Port);
        var direct = await WriteInReadOnlyTransactionAsync(Cluster.Replica1Port);

        Assert.Equal(direct, proxied);
    }

    [Fact]
    public async Task TransactionOpenedThroughPreparedStatementsStaysOnThePrimary()
    {
        await using var db = await CreateTableAsync();
        await using var client = await RawMySqlClient.LoginAsync(proxy.Port, "app", "app", db.Name);
        var begin = await client.PrepareAsync("BEGIN");
        var select = await client.PrepareAsync("SELECT @@server_id");
        var insert = await client.PrepareAsync("INSERT INTO t (server_id) VALUES (@@server_id)");
        var commit = await client.PrepareAsync("COMMIT");

        var beginOk = await ExecuteForOkAsync(client, begin.Id);
        var inside = new List<long>();
        for (var i = 0; i < 5; i++)
            inside.Add(await ExecuteServerIdAsync(client, select.Id));
        await ExecuteForOkAsync(client, insert.Id);
        inside.Add(await ExecuteServerIdAsync(client, select.Id));
        var visibleElsewhere = Convert.ToInt64(await Sql.ScalarAsync(Cluster.Root(db.Name), "SELECT COUNT(*) FROM t"));
        var commitOk = await ExecuteForOkAsync(client, commit.Id);
        var after = new List<long>();
        for (var i = 0; i < 10; i++)
            after.Add(await ExecuteServerIdAsync(client, select.Id));

        Assert.True((RawMySqlClient.StatusOf(beginOk) & StatusInTransaction) != 0, "BEGIN opened a transaction");
        Assert.True((RawMySqlClient.StatusOf(commitOk) & StatusInTransaction) == 0, "COMMIT ended it");
        Routes.AssertAllOnThePrimary(inside);
        Assert.Equal(0, visibleElsewhere); // the insert really was inside an uncommitted transaction
        Assert.Equal(1L, Convert.ToInt64(await Sql.ScalarAsync(Cluster.Root(db.Name), "SELECT COUNT(*) FROM t")));
        Routes.AssertSpreadOverBothReplicas(after);
    }

    [Fact]
    public async Task MySqlConnectorBeginTransactionStaysOnThePrimary()
    {
        await using var db = await CreateTableAsync();
        await using var connection = new MySqlConnection(proxy.Proxy(db.Name));
        await connection.OpenAsync();

        List<long> inside;
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            inside = await Routes.ServerIdsAsync(connection, 4, transaction: transaction);
            await using (var insert = new MySqlCommand("INSERT INTO t (server_id) VALUES (@@server_id)", connection, transaction))
                await insert.ExecuteNonQueryAsync();
            inside.AddRange(await Routes.ServerIdsAsync(connection, 3, "SELECT @@server_id, COUNT(*) FROM t", transaction));
            await transaction.CommitAsync();
        }
        var after = await Routes.ServerIdsAsync(connection, 10);

        Routes.AssertAllOnThePrimary(inside);
        Assert.Equal("1", Sql.Render(await Sql.ScalarAsync(Cluster.Root(db.Name), "SELECT server_id FROM t")));
        Routes.AssertSpreadOverBothReplicas(after);
    }

    private static async Task<byte[]> ExecuteForOkAsync(RawMySqlClient client, uint statementId)
    {
        await client.ExecuteAsync(statementId);
        var (_, ok) = await client.ReadPacketAsync();
        Assert.True(ok[0] == 0x00, RawMySqlClient.Describe(ok));
        return ok;
    }

    /// <summary>Executes a prepared one-column BIGINT UNSIGNED select and returns its single value.</summary>
    private static async Task<long> ExecuteServerIdAsync(RawMySqlClient client, uint statementId)
    {
        await client.ExecuteAsync(statementId);
        var (_, columnCount) = await client.ReadPacketAsync();
        Assert.True(columnCount[0] == 1, RawMySqlClient.Describe(columnCount));
        await client.SkipColumnsAsync(1);
        var (rows, end) = await client.ReadBinaryRowsAsync();
        Assert.True(end[0] == 0xFE, RawMySqlClient.Describe(end));
        // Binary row: 0x00, a one-byte NULL bitmap, then the 8-byte integer.
        return (long)BinaryPrimitives.ReadUInt64LittleEndian(Assert.Single(rows).AsSpan(2));
    }
}
