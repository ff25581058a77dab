using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Http;

/// <summary>switchyard_pinned_sessions{reason} follows the pins of real sessions, as scraped from /metrics.</summary>
[Collection(ProxyCollection.Name)]
public sealed class PinnedSessionsMetricTests
{
    private const string Transaction = "switchyard_pinned_sessions{reason=\"transaction\"}";

    [Fact]
    public async Task AnOpenTransactionCountsAsOnePinnedSessionUntilItCommits()
    {
        await using var server = await ProxyFixture.StartProxyAsync();
        await using var client = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app"));
        await client.OpenAsync();
        Assert.True((await MetricsScrape.ScrapeAsync(server)).Value(Transaction) is null or 0);

        await Sql.ExecuteAsync(client, "START TRANSACTION");
        await Sql.ScalarAsync(client, "SELECT 1");
        Assert.Equal(1, (await MetricsScrape.ScrapeAsync(server)).Value(Transaction));

        await Sql.ExecuteAsync(client, "COMMIT");

        // The client has the OK as soon as it is forwarded; the proxy updates the session's pins right after.
        await Poll.UntilAsync(async () => (await MetricsScrape.ScrapeAsync(server)).Value(Transaction) == 0, TimeSpan.FromSeconds(5),
            "the committed transaction is no longer counted");
        Assert.Equal(0, (await MetricsScrape.ScrapeAsync(server)).Value(Transaction));
    }

    [Fact]
    public async Task AUserVariableOnADisconnectedSessionIsNoLongerCounted()
    {
        const string series = "switchyard_pinned_sessions{reason=\"user_variable\"}";
        await using var server = await ProxyFixture.StartProxyAsync();
        await using (var client = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app", "AllowUserVariables=true;")))
        {
            await client.OpenAsync();
            await Sql.ExecuteAsync(client, "SET @pinned = 1");
            Assert.Equal(1, (await MetricsScrape.ScrapeAsync(server)).Value(series));
        }

        await Poll.UntilAsync(async () => (await MetricsScrape.ScrapeAsync(server)).Value(series) == 0, TimeSpan.FromSeconds(5),
            "the closed session's pin is released");
    }
}
