using System.Data;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Forwarding;

[Collection(ProxyCollection.Name)]
public sealed class MultiStatementTests(ProxyFixture proxy)
{
    [Fact]
    public async Task SeveralResultSetsInOneCommandArriveAsFromTheServer()
    {
        await using var db = await TestDatabase.CreateAsync();
        const string sql = """
            CREATE TABLE m (id INT PRIMARY KEY, v VARCHAR(10));
            INSERT INTO m VALUES (1, 'one'), (2, 'two');
            SET @x := 5;
            SELECT id, v FROM m ORDER BY id;
            SELECT @x + 1 AS y, 'ok';
            UPDATE m SET v = 'uno' WHERE id = 1;
            SELECT * FROM m WHERE id = 1;
            DROP TABLE m
            """;

        var proxied = await RunAsync(proxy.Proxy(db.Name, extra: "AllowUserVariables=true"), sql);
        var direct = await RunAsync(Cluster.Direct(db.Name, extra: "AllowUserVariables=true"), sql);

        Assert.Equal(["1|one", "2|two", "--", "6|ok", "--", "1|uno", "--"], proxied);
        Assert.Equal(direct, proxied);
    }

    [Fact]
    public async Task ErrorInTheMiddleOfAMultiStatementEndsItAndTheConnectionStaysUsable()
    {
        await using var db = await TestDatabase.CreateAsync();
        const string sql = "CREATE TABLE m (id INT PRIMARY KEY); SELECT 1; INSERT INTO missing_table VALUES (1); SELECT 2";

        var proxied = await RunUntilErrorAsync(proxy.Proxy(db.Name), sql);
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "DROP TABLE m");
        var direct = await RunUntilErrorAsync(Cluster.Direct(db.Name), sql);

        Assert.Equal(1146, proxied.Error.Number);
        Assert.Equal(["1", "--"], proxied.Rows);
        Assert.Equal(direct.Rows, proxied.Rows);
        Assert.Equal((direct.Error.Number, direct.Error.SqlState, direct.Error.Message), (proxied.Error.Number, proxied.Error.SqlState, proxied.Error.Message));
        Assert.Equal("after", proxied.After);
    }

    [Fact]
    public async Task StoredProcedureOutParametersWorkThroughCommandTypeStoredProcedure()
    {
        await using var db = await TestDatabase.CreateAsync();
        await CreateProcedureAsync(db);
        await using var connection = new MySqlConnection(proxy.Proxy(db.Name));
        await connection.OpenAsync();

        await using var command = new MySqlCommand("p", connection) { CommandType = CommandType.StoredProcedure };
        command.Parameters.AddWithValue("@a", 20);
        command.Parameters.Add(new MySqlParameter("@doubled", MySqlDbType.Int32) { Direction = ParameterDirection.Output });
        command.Parameters.Add(new MySqlParameter("@label", MySqlDbType.VarChar) { Direction = ParameterDirection.Output });
        var rows = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                rows.Add(reader.GetString(0));
        }

        Assert.Equal(["inside 20"], rows);
        Assert.Equal(40, Convert.ToInt32(command.Parameters["@doubled"].Value));
        Assert.Equal("twenty-ish 🙂", command.Parameters["@label"].Value);
        Assert.Equal(7L, Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT 7")));
    }

    [Fact]
    public async Task StoredProcedureCalledAsTextSetsUserVariables()
    {
        await using var db = await TestDatabase.CreateAsync();
        await CreateProcedureAsync(db);
        const string sql = "CALL p(21, @d, @l); SELECT @d, @l";

        var proxied = await RunAsync(proxy.Proxy(db.Name, extra: "AllowUserVariables=true"), sql);
        var direct = await RunAsync(Cluster.Direct(db.Name, extra: "AllowUserVariables=true"), sql);

        Assert.Equal(["inside 21", "--", "42|twenty-ish 🙂", "--"], proxied);
        Assert.Equal(direct, proxied);
    }

    private static Task CreateProcedureAsync(TestDatabase db) => Sql.ExecuteAsync(Cluster.Root(db.Name), """
        CREATE PROCEDURE p(IN a INT, OUT doubled INT, OUT label VARCHAR(40))
        BEGIN
          SELECT CONCAT('inside ', a);
          SET doubled = a * 2;
          SET label = 'twenty-ish 🙂';
        END
        """);

    /// <summary>Every row of every result set as "a|b", with "--" after each result set that had columns.</summary>
    private static async Task<List<string>> RunAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        do
        {
            if (reader.FieldCount == 0)
                continue;
            while (await reader.ReadAsync())
                lines.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => Sql.Render(reader.GetValue(i)))));
            lines.Add("--");
        } while (await reader.NextResultAsync());
        return lines;
    }

    private static async Task<(List<string> Rows, MySqlException Error, string After)> RunUntilErrorAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        var lines = new List<string>();
        var error = await Assert.ThrowsAsync<MySqlException>(async () =>
        {
            await using var command = new MySqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            do
            {
                if (reader.FieldCount == 0)
                    continue;
                while (await reader.ReadAsync())
                    lines.Add(Sql.Render(reader.GetValue(0)));
                lines.Add("--");
            } while (await reader.NextResultAsync());
        });
        var after = (string)(await Sql.ScalarAsync(connection, "SELECT 'after'"))!;
        return (lines, error, after);
    }
}
