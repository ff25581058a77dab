using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Routing;

/// <summary>Prepared statements are routed per EXECUTE by what they are (a SELECT to the replicas, an INSERT to
/// the primary), give the results the server gives directly, and are closed on the backends when clients close them.</summary>
[Collection(ProxyCollection.Name)]
public sealed class PreparedStatementRoutingTests(ReplicatedProxyFixture proxy) : IClassFixture<ReplicatedProxyFixture>
{
    private const string Select = "SELECT @@server_id, id, name, amount, created FROM items WHERE id BETWEEN @low AND @low + 2 ORDER BY id";

    private static async Task<TestDatabase> CreateItemsAsync([System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var db = await TestDatabase.CreateAsync(test);
        await Sql.ExecuteAsync(Cluster.Root(db.Name),
            "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(10,2), created DATETIME(6));" +
            "INSERT INTO items SELECT seq, CONCAT('item ', seq), seq * 1.25, '2024-01-02 03:04:05.123456' + INTERVAL seq MINUTE FROM seq_1_to_30;" +
            "CREATE TABLE log (id INT AUTO_INCREMENT PRIMARY KEY, server_id BIGINT, v VARCHAR(40))");
        await Replication.WaitForReplicasAsync();
        return db;
    }

    [Fact]
    public async Task PreparedSelectRunsOnBothReplicasWithTheResultsOfTheServer()
    {
        await using var db = await CreateItemsAsync();
        var proxied = await ExecutePreparedAsync(proxy.Proxy(db.Name), Select, 12);
        var direct = await ExecutePreparedAsync(Cluster.Direct(db.Name), Select, 12);

        Routes.AssertSpreadOverBothReplicas(proxied.Select(rows => long.Parse(rows[0][0])).ToList());
        Assert.Equal(Strip(direct), Strip(proxied));
        Assert.Equal(["1", "item 1", "1.25", "2024-01-02 03:05:05.123456"], Strip(proxied)[0][0]);
    }

    [Fact]
    public async Task PreparedInsertRunsOnThePrimary()
    {
        await using var db = await CreateItemsAsync();
        await using var connection = new MySqlConnection(proxy.Proxy(db.Name));
        await connection.OpenAsync();
        await using var insert = new MySqlCommand("INSERT INTO log (server_id, v) VALUES (@@server_id, @v)", connection);
        insert.Parameters.Add("@v", MySqlDbType.VarChar);
        await insert.PrepareAsync();

        for (var i = 0; i < 6; i++)
        {
            insert.Parameters["@v"].Value = $"value {i}";
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        var stored = await RowsOnThePrimaryAsync(db.Name, "SELECT server_id, v FROM log ORDER BY id");
        Assert.Equal(Enumerable.Range(0, 6).Select(i => new List<string> { "1", $"value {i}" }), stored);
    }

    [Fact]
    public async Task TheSameStatementPreparedByManySessionsServesEachOfThem()
    {
        await using var db = await CreateItemsAsync();
        var direct = Strip(await ExecutePreparedAsync(Cluster.Direct(db.Name), Select, 5));

        var sessions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => ExecutePreparedAsync(proxy.Proxy(db.Name), Select, 5)));

        Assert.All(sessions, s => Assert.Equal(direct, Strip(s)));
        Routes.AssertSpreadOverBothReplicas(sessions.SelectMany(s => s).Select(rows => long.Parse(rows[0][0])).ToList());
    }

    /// <summary>Backend statements are shared between sessions, but the server binds a table name at PREPARE:
    /// the same text prepared in another database must read that database's table.</summary>
    [Fact]
    public async Task TheSameTextPreparedInTwoDatabasesReadsEachDatabasesOwnTable()
    {
        await using var first = await CreateItemsAsync("SameTextFirst");
        await using var second = await CreateItemsAsync("SameTextSecond");
        await Sql.ExecuteAsync(Cluster.Root(second.Name), "UPDATE items SET name = CONCAT('other ', id)");
        await Replication.WaitForReplicasAsync();
        await using var server = await ReplicatedProxyFixture.StartAsync(c => c with { Pool = c.Pool with { MaxConnectionsPerBackend = 2 } });
        var port = server.MySqlEndPoint.Port;

        // Few connections per backend, and both sessions keep their statement open: both use the same backend
        // connections while the first one's backend statement is still cached there.
        await using var a = new MySqlConnection(Cluster.ConnectionString(port, first.Name, "app", "app"));
        await using var b = new MySqlConnection(Cluster.ConnectionString(port, second.Name, "app", "app"));
        await a.OpenAsync();
        await b.OpenAsync();
        await using var inFirst = new MySqlCommand("SELECT name FROM items WHERE id = @id", a);
        await using var inSecond = new MySqlCommand("SELECT name FROM items WHERE id = @id", b);
        inFirst.Parameters.AddWithValue("@id", 1);
        inSecond.Parameters.AddWithValue("@id", 1);
        await inFirst.PrepareAsync();
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
            names.Add((string)(await inFirst.ExecuteScalarAsync())!);
        await inSecond.PrepareAsync();
        for (var i = 0; i < 3; i++)
        {
            names.Add((string)(await inSecond.ExecuteScalarAsync())!);
            names.Add((string)(await inFirst.ExecuteScalarAsync())!);
        }

        Assert.Equal(["item 1", "item 1", "item 1", "other 1", "item 1", "other 1", "item 1", "other 1", "item 1"], names);
    }

    [Fact]
    public async Task ClosingPreparedStatementsReleasesThemOnTheBackends()
    {
        await using var db = await CreateItemsAsync();
        await using var server = await ReplicatedProxyFixture.StartAsync();
        var port = server.MySqlEndPoint.Port;

        // 3000 distinct statements prepared, executed and closed by the raw client (COM_STMT_CLOSE) ...
        await using (var client = await RawMySqlClient.LoginAsync(port, "app", "app", db.Name))
        {
            for (var i = 0; i < 3000; i++)
            {
                var statement = await client.PrepareAsync($"SELECT id, {i} FROM items WHERE id = 1");
                await client.ExecuteAsync(statement.Id);
                var (_, columns) = await client.ReadPacketAsync();
                Assert.True(columns[0] == 2, RawMySqlClient.Describe(columns));
                await client.SkipColumnsAsync(2);
                Assert.Single((await client.ReadBinaryRowsAsync()).Rows);
                await client.CommandAsync(RawMySqlClient.ComStmtClose, BitConverter.GetBytes(statement.Id)); // no answer
            }
            await client.QueryAsync("SELECT 'in sync'");
            Assert.Equal("in sync", (await client.ReadTextResultAsync()).Rows.Single()[0]);
        }

        // ... and 3000 prepare/execute cycles with MySqlConnector, which closes a connection's statements with it.
        for (var c = 0; c < 30; c++)
        {
            await using var connection = new MySqlConnection(Cluster.ConnectionString(port, db.Name, "app", "app"));
            await connection.OpenAsync();
            for (var i = 0; i < 100; i++)
            {
                await using var command = new MySqlCommand($"SELECT id, {c * 100 + i} FROM items WHERE id = @id", connection);
                command.Parameters.AddWithValue("@id", 1 + i % 30);
                await command.PrepareAsync();
                Assert.Equal(1 + i % 30, Convert.ToInt32(await command.ExecuteScalarAsync()));
            }
        }

        // Measured while the proxy and its backend connections are still up (closing those would free everything).
        foreach (var backend in Replication.AllPorts)
        {
            await using var root = await OpenRootAsync(backend);
            var open = await Sql.RowsAsync(root, "SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'");
            Assert.True(long.Parse(open[0][1]) < 500, $"backend on port {backend} still has {open[0][1]} prepared statements");
        }
    }

    private static async Task<MySqlConnection> OpenRootAsync(int port)
    {
        var connection = new MySqlConnection(Replication.Root(port));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Prepares <paramref name="sql"/> once on one connection and executes it <paramref name="times"/>
    /// times with @low = 1, 2, …; returns each execution's rows.</summary>
    private static async Task<List<List<List<string>>>> ExecutePreparedAsync(string connectionString, string sql, int times)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.Add("@low", MySqlDbType.Int32);
        await command.PrepareAsync();
        var executions = new List<List<List<string>>>();
        for (var i = 0; i < times; i++)
        {
            command.Parameters["@low"].Value = 1 + i;
            var rows = new List<List<string>>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                    rows.Add(Enumerable.Range(0, reader.FieldCount).Select(f => Sql.Render(reader.GetValue(f))).ToList());
            }
            executions.Add(rows);
        }
        return executions;
    }

    /// <summary>The rows without their first column (the server_id, which differs by design).</summary>
    private static List<List<List<string>>> Strip(List<List<List<string>>> executions) =>
        executions.Select(rows => rows.Select(r => r.Skip(1).ToList()).ToList()).ToList();

    private static async Task<List<List<string>>> RowsOnThePrimaryAsync(string database, string sql)
    {
        await using var connection = new MySqlConnection(Cluster.Root(database));
        await connection.OpenAsync();
        return await Sql.RowsAsync(connection, sql);
    }
}
