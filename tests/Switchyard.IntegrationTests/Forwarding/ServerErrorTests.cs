using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Forwarding;

[Collection(ProxyCollection.Name)]
public sealed class ServerErrorTests(ProxyFixture proxy)
{
    [Theory]
    [InlineData("SELEKT 1", 1064)]
    [InlineData("INSERT INTO k VALUES (1)", 1062)]
    [InlineData("SELECT * FROM no_such_table", 1146)]
    [InlineData("SELECT no_such_column FROM k", 1054)]
    [InlineData("SELECT 1 FROM k WHERE id = (SELECT id FROM k UNION SELECT 2)", 1242)]
    public async Task ServerErrorsAreForwardedVerbatim(string sql, int expectedCode)
    {
        await using var db = await TestDatabase.CreateAsync($"Err{expectedCode}");
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE k (id INT PRIMARY KEY); INSERT INTO k VALUES (1), (2)");

        var direct = await Sql.ErrorAsync(Cluster.Direct(db.Name), sql);
        var proxied = await Sql.ErrorAsync(proxy.Proxy(db.Name), sql);

        Assert.Equal(expectedCode, proxied.Number);
        Assert.Equal((direct.Number, direct.SqlState, direct.Message), (proxied.Number, proxied.SqlState, proxied.Message));
    }

    [Fact]
    public async Task ErrorOfAPreparedStatementIsForwardedVerbatim()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE k (id INT PRIMARY KEY); INSERT INTO k VALUES (1)");

        async Task<MySqlException> FailAsync(string connectionString)
        {
            await using var connection = new MySqlConnection(connectionString + "IgnorePrepare=false;");
            await connection.OpenAsync();
            await using var command = new MySqlCommand("INSERT INTO k VALUES (@id)", connection);
            command.Parameters.AddWithValue("@id", 1);
            await command.PrepareAsync();
            var error = await Assert.ThrowsAsync<MySqlException>(() => command.ExecuteNonQueryAsync());
            command.Parameters["@id"].Value = 2;
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
            return error;
        }

        var proxied = await FailAsync(proxy.Proxy(db.Name));
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "DELETE FROM k WHERE id = 2");
        var direct = await FailAsync(Cluster.Direct(db.Name));

        Assert.Equal(1062, proxied.Number);
        Assert.Equal((direct.Number, direct.SqlState, direct.Message), (proxied.Number, proxied.SqlState, proxied.Message));
    }

    [Fact]
    public async Task UnknownDatabaseAtConnectIsReportedAsByTheServer()
    {
        async Task<MySqlException> FailAsync(string connectionString)
        {
            await using var connection = new MySqlConnection(connectionString);
            return await Assert.ThrowsAsync<MySqlException>(() => connection.OpenAsync());
        }

        var direct = await FailAsync(Cluster.Direct("it_no_such_database_here"));
        var proxied = await FailAsync(proxy.Proxy("it_no_such_database_here"));

        Assert.Equal(1049, proxied.Number);
        Assert.Equal((direct.Number, direct.SqlState, direct.Message), (proxied.Number, proxied.SqlState, proxied.Message));
    }
}
