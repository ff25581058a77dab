using MySqlConnector;
using Switchyard.IntegrationTests.Configuration;
using Switchyard.IntegrationTests.Support;
using Xunit;

namespace Switchyard.IntegrationTests.Rules;

/// <summary>A rule's <c>mirror:</c> copies the writes it matches, once committed, to a backend group (a private server
/// here, outside the cluster's replication), in the session's database and in the session's order.</summary>
public sealed class MirrorRuleTests
{
    [Fact]
    public async Task CommittedWritesARuleMirrorsReachTheMirrorGroupInOrderAndNothingElseDoes()
    {
        await using var mirror = await PrivateMariaDb.StartAsync();
        await using var database = await TestDatabase.CreateAsync();
        const string Tables = "CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(20)); CREATE TABLE other (id INT PRIMARY KEY)";
        await Sql.ExecuteAsync(mirror.Root(), $"CREATE USER monitor IDENTIFIED BY 'monitor'; GRANT SLAVE MONITOR, BINLOG MONITOR, PROCESS ON *.* TO monitor; CREATE DATABASE `{database}`; USE `{database}`; {Tables}");
        await Sql.ExecuteAsync(Cluster.Root(database.Name), Tables);
        await using var proxy = await ReloadableProxy.StartAsync($"""
            {TestYaml.Header}
            {TestYaml.Monitor("200ms")}
            {TestYaml.AppUser}
            backends:
              - name: primary
                address: {Cluster.Host}:{Cluster.PrimaryPort}
                role: primary
              - name: copy
                address: 127.0.0.1:{mirror.Port}
                weight: 0
                groups: [audit]
            rules:
              - name: copy-orders
                match:
                  class: write
                  regex: '\borders\b'
                mirror: audit
            """);

        await using var client = new MySqlConnection(proxy.Connection($"Database={database};"));
        await client.OpenAsync();
        for (var id = 1; id <= 20; id++)
        {
            await Sql.ExecuteAsync(client, $"INSERT INTO orders VALUES ({id}, 'new')");
            await Sql.ExecuteAsync(client, $"UPDATE orders SET note = 'paid {id}' WHERE id = {id}");
        }
        await Sql.ExecuteAsync(client, "INSERT INTO other VALUES (1)");
        await Sql.ExecuteAsync(client, "BEGIN; INSERT INTO orders VALUES (99, 'rolled back'); ROLLBACK");
        for (var i = 0; i < 10; i++)
            Assert.NotEqual(99, Convert.ToInt32(await Sql.ScalarAsync(client, "SELECT @@server_id")));

        IReadOnlyDictionary<string, double> samples = new Dictionary<string, double>();
        await Poll.UntilAsync(
            async () => (samples = await MetricsScrape.ScrapeAsync(proxy.Server)).Value("switchyard_mirrored_statements_total{group=\"audit\",result=\"ok\"}") == 40,
            TimeSpan.FromSeconds(20), "the 40 mirrored writes ran",
            () => string.Join(", ", samples.Where(s => s.Key.StartsWith("switchyard_mirrored", StringComparison.Ordinal)).Select(s => $"{s.Key} {s.Value}")));
        Assert.DoesNotContain(samples.Keys, k => k.StartsWith("switchyard_mirrored_statements_total", StringComparison.Ordinal) && !k.Contains("result=\"ok\"", StringComparison.Ordinal));
        await using var direct = new MySqlConnection(mirror.Root() + $"Database={database};");
        await direct.OpenAsync();
        var rows = await Sql.RowsAsync(direct, "SELECT id, note FROM orders ORDER BY id");
        Assert.Equal(Enumerable.Range(1, 20).Select(id => new List<string> { $"{id}", $"paid {id}" }), rows);
        Assert.Equal(0L, Convert.ToInt64(await Sql.ScalarAsync(direct, "SELECT COUNT(*) FROM other")));
        Assert.Equal(20L, Convert.ToInt64(await Sql.ScalarAsync(Cluster.Root(database.Name), "SELECT COUNT(*) FROM orders")));
    }
}
