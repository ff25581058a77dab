using System.Diagnostics;
using System.Text.Json;
using MySqlConnector;
using Switchyard.IntegrationTests.Configuration;
using Switchyard.IntegrationTests.Monitoring;
using Switchyard.IntegrationTests.Support;
using Switchyard.Routing.Health;

namespace Switchyard.IntegrationTests.Rules;

/// <summary>Routing rules from the YAML file, end to end through a real client: route, group, consistency, block,
/// timeout, and a reload under load that changes where a digest goes.</summary>
[Collection(ProxyCollection.Name)]
public sealed class RoutingRuleTests
{
    private const string DigestQuery = "SELECT @@server_id, 'digest-rule' AS tag, {0} AS n";

    [Fact]
    public async Task ReloadAddingADigestRuleMovesThatShapeToThePrimaryUnderLoadAndAnInvalidFileChangesNothing()
    {
        await using var proxy = await StartAsync("  []");
        var load = new List<BackgroundClient>();
        try
        {
            for (var i = 0; i < 4; i++)
                load.Add(await BackgroundClient.StartAsync(proxy.Connection()));
            await using var connection = new MySqlConnection(proxy.Connection());
            await connection.OpenAsync();

            Assert.All(await ServerIdsAsync(connection, 20), id => Assert.Contains(id, Replication.ReplicaServerIds));

            // The rule names the shape with a literal of its own: it is normalised like the statements are.
            await ReplaceRulesAsync(proxy, """
                  - name: digest-to-primary
                    match:
                      digest: SELECT @@server_id, 'x' AS tag, 7 AS n
                    route: primary
                """);
            Routes.AssertAllOnThePrimary(await ServerIdsAsync(connection, 20));
            // Other shapes keep going to the replicas.
            Assert.All(await Routes.ServerIdsAsync(connection, 10), id => Assert.Contains(id, Replication.ReplicaServerIds));

            var failures = proxy.Server.ConfigMetrics.Failures;
            await proxy.ReplaceAsync("rules: [ { route: nowhere-group } ]\nthis is: [not valid");
            Assert.Equal(failures + 1, proxy.Server.ConfigMetrics.Failures);
            Routes.AssertAllOnThePrimary(await ServerIdsAsync(connection, 20));

            foreach (var client in load)
                await client.WaitForProgressAsync();
        }
        finally
        {
            foreach (var client in load)
                await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task GroupRuleSendsMatchingReadsOnlyToReplicasOfThatGroup()
    {
        await using var proxy = await StartAsync("""
              - name: reports
                match:
                  class: read
                  regex: 'report_marker'
                route: reporting
            """);
        await using var connection = new MySqlConnection(proxy.Connection());
        await connection.OpenAsync();

        var grouped = await Routes.ServerIdsAsync(connection, 20, "SELECT @@server_id, 'report_marker'");
        Assert.All(grouped, id => Assert.Equal(Replication.Replicas[0].ServerId, id));
        Routes.AssertSpreadOverBothReplicas(await Routes.ServerIdsAsync(connection, 20));
    }

    [Fact]
    public async Task ConsistencyRuleMakesMatchingReadsStrongUnlessTheStatementAsksOtherwise()
    {
        await using var proxy = await StartAsync("""
              - match:
                  regex: 'strong_marker'
                consistency: strong
            """);
        await using var connection = new MySqlConnection(proxy.Connection());
        await connection.OpenAsync();

        Routes.AssertAllOnThePrimary(await Routes.ServerIdsAsync(connection, 10, "SELECT @@server_id, 'strong_marker'"));
        // A tag is the application's explicit choice for that statement: it wins over the rule.
        Assert.All(await Routes.ServerIdsAsync(connection, 10, "SELECT @@server_id, 'strong_marker' /*consistency='eventual'*/"),
            id => Assert.Contains(id, Replication.ReplicaServerIds));
    }

    [Fact]
    public async Task BlockRuleAnswersWithItsMessageAndTheSessionGoesOn()
    {
        await using var proxy = await StartAsync("""
              - name: no-drop
                match:
                  regex: '^\s*DROP\s+DATABASE'
                block: DROP DATABASE is not allowed through Switchyard
            """);
        await using var connection = new MySqlConnection(proxy.Connection());
        await connection.OpenAsync();

        var error = await Assert.ThrowsAsync<MySqlException>(() => Sql.ExecuteAsync(connection, "DROP DATABASE IF EXISTS no_such_database_here"));
        Assert.Equal(1148, error.Number);
        Assert.Equal("DROP DATABASE is not allowed through Switchyard", error.Message);
        Assert.Equal(2L, Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT 1 + 1")));
        // Blocked at PREPARE too.
        await using var prepared = new MySqlCommand("DROP DATABASE no_such_database_here", connection);
        Assert.Equal(1148, (await Assert.ThrowsAsync<MySqlException>(() => prepared.PrepareAsync())).Number);
    }

    [Fact]
    public async Task TimeoutRuleInterruptsALongStatementAndTheConnectionServesTheNextOne()
    {
        await using var proxy = await StartAsync("""
              - name: short-sleeps
                match:
                  regex: 'SLEEP\(20\)'
                timeout: 300ms
            """);
        await using var connection = new MySqlConnection(proxy.Connection());
        await connection.OpenAsync();

        var stopwatch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<MySqlException>(() => Sql.ScalarAsync(connection, "SELECT SLEEP(20)"));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"took {stopwatch.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(1317, error.Number); // ER_QUERY_INTERRUPTED, from the server itself
        Assert.Equal(3L, Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT 1 + 2")));
        // Statements the rule does not match are not limited.
        Assert.Equal(0L, Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT SLEEP(0.5) + 0")));
    }

    [Fact]
    public async Task DigestsEndpointCountsStatementsByShapeAndRoute()
    {
        await using var proxy = await StartAsync("  []");
        await using var connection = new MySqlConnection(proxy.Connection());
        await connection.OpenAsync();
        await ServerIdsAsync(connection, 12);

        using var document = JsonDocument.Parse(await MetricsScrape.GetAsync(proxy.Server, "/digests?order=count&top=100"));
        var entry = document.RootElement.GetProperty("digests").EnumerateArray()
            .Single(d => d.GetProperty("text").GetString() == "SELECT @@server_id, ? AS tag, ? AS n");
        Assert.Equal(12, entry.GetProperty("count").GetInt64());
        Assert.Equal(12, entry.GetProperty("routes").GetProperty("replica").GetInt64());
        Assert.Equal(0, entry.GetProperty("errors").GetInt64());

        var metrics = await MetricsScrape.GetAsync(proxy.Server, "/metrics");
        Assert.Contains("switchyard_digest_statements_total{digest=\"" + entry.GetProperty("digest").GetString() + "\"} 12", metrics);
    }

    /// <summary>A proxy from a watched file (replica1 in group "reporting") with these rules, its replicas online.</summary>
    private static async Task<ReloadableProxy> StartAsync(string rules)
    {
        var proxy = await ReloadableProxy.StartAsync(ConfigWith(rules));
        foreach (var replica in new[] { "replica1", "replica2" })
            await proxy.Server.WaitForStateAsync(replica, HealthState.Online, TimeSpan.FromSeconds(10));
        return proxy;
    }

    private static async Task ReplaceRulesAsync(ReloadableProxy proxy, string rules)
    {
        var successes = proxy.Server.ConfigMetrics.Successes;
        await proxy.ReplaceAsync(ConfigWith(rules));
        Assert.Equal(successes + 1, proxy.Server.ConfigMetrics.Successes);
    }

    private static string ConfigWith(string rules) =>
        ReloadableProxy.Yaml(["replica1", "replica2"], rules, new Dictionary<string, string> { ["replica1"] = "reporting" });

    /// <summary>Statements of one shape with a different literal each time.</summary>
    private static async Task<List<long>> ServerIdsAsync(MySqlConnection connection, int times)
    {
        var ids = new List<long>();
        for (var i = 0; i < times; i++)
            ids.Add((await Routes.ServerIdsAsync(connection, 1, string.Format(System.Globalization.CultureInfo.InvariantCulture, DigestQuery, i)))[0]);
        return ids;
    }
}
