using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Forwarding;

/// <summary>The mariadb command-line client (libmariadb, not MySqlConnector) sees the proxy as the server.</summary>
[Collection(ProxyCollection.Name)]
public sealed class MariaDbCliTests(ProxyFixture proxy)
{
    private const string Queries = """
        SELECT id, name, price, created, note FROM cli ORDER BY id;
        SELECT 1 + 1 AS two, NULL AS nothing, 'quote''s' AS q;
        SHOW TABLES;
        SELECT COUNT(*) FROM seq_1_to_1000;
        """;

    [Theory]
    [InlineData("--batch")]
    [InlineData("--table")]
    [InlineData("--xml")]
    public async Task MariaDbClientPrintsTheSameOutputThroughTheProxyAsDirectly(string format)
    {
        await using var db = await TestDatabase.CreateAsync($"Cli{format.Trim('-')}");
        await Sql.ExecuteAsync(Cluster.Root(db.Name), """
            CREATE TABLE cli (id INT PRIMARY KEY, name VARCHAR(30), price DECIMAL(8,2), created DATETIME(3), note TEXT) CHARACTER SET utf8mb4;
            INSERT INTO cli VALUES (1, 'Zürich 🚆', 12.50, '2024-05-01 08:30:00.125', NULL), (2, 'tab\there', -0.01, NULL, 'line\nbreak');
            """);

        var direct = await MariaDbCli.RunAsync(Cluster.PrimaryPort, db.Name, Queries, format);
        var proxied = await MariaDbCli.RunAsync(proxy.Port, db.Name, Queries, format);

        Assert.True(proxied.ExitCode == 0, proxied.Error);
        Assert.Contains("Zürich 🚆", proxied.Output);
        Assert.Equal(direct.Output, proxied.Output);
    }

    [Fact]
    public async Task MariaDbClientReportsAServerErrorTheSameWayThroughTheProxy()
    {
        await using var db = await TestDatabase.CreateAsync();
        const string sql = "SELECT 1; SELECT * FROM does_not_exist; SELECT 2";

        var direct = await MariaDbCli.RunAsync(Cluster.PrimaryPort, db.Name, sql, "--batch");
        var proxied = await MariaDbCli.RunAsync(proxy.Port, db.Name, sql, "--batch");

        Assert.Equal(1, proxied.ExitCode);
        Assert.Contains("ERROR 1146 (42S02)", proxied.Error);
        Assert.Equal((direct.ExitCode, direct.Output, direct.Error), (proxied.ExitCode, proxied.Output, proxied.Error));
    }
}
