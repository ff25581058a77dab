using System.Text.Json;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;
using Switchyard.Routing.Health;

namespace Switchyard.IntegrationTests.Configuration;

/// <summary>
/// Replicas added and removed by a reload of the watched file, under a load of autocommit reads on four connections
/// (whose answers name the server by @@server_id): a removed replica gets no new reads and drains, a pinned session on
/// it finishing first; an added one gets reads from its first healthy check on; an invalid file changes nothing.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class BackendReloadTests
{
    private const long Replica1 = 2;
    private const long Replica2 = 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RemovingAReplicaStopsItsReadsAtOnceAndDrainsItAfterThePinnedSessionCommits()
    {
        await using var proxy = await ReloadableProxy.StartAsync(ReloadableProxy.Yaml("replica1", "replica2"));
        var server = proxy.Server;
        await using var load = await ServerIdLoad.StartAsync(proxy.Connection());
        await load.WaitForAnswersAsync(20, 0, a => a.Contains(Replica1) && a.Contains(Replica2), "reads on both replicas");
        await using var pinned = await OpenTransactionOnAsync(proxy, Replica2);
        var replica2Pool = server.Context.Pools["replica2"];
        Assert.True(replica2Pool.LeasedConnections >= 1);

        await proxy.ReplaceAsync(ReloadableProxy.Yaml("replica1"));
        var after = load.MarkApplied();

        Assert.Equal(1, server.ConfigMetrics.Successes);
        Assert.DoesNotContain(server.Context.Replicas.Pools, p => p.Endpoint.Name == "replica2");
        await load.WaitForAnswersAsync(200, after, what: "reads after the reload");
        var answers = load.Answers(after);
        Assert.DoesNotContain(Replica2, answers);
        Assert.Contains(Replica1, answers);

        // The pinned transaction goes on on replica2, which is not closed while it runs.
        Assert.Equal([Replica2, Replica2, Replica2], await Routes.ServerIdsAsync(pinned, 3));
        Assert.Contains(replica2Pool, server.Context.DrainingPools);
        Assert.Contains(proxy.Logs, l => l.Contains(" 1851 ") && l.Contains("replica2"));
        Assert.DoesNotContain(proxy.Logs, l => l.Contains(" 1852 "));

        await Sql.ExecuteAsync(pinned, "COMMIT");
        await Poll.UntilAsync(() => Task.FromResult(server.Context.DrainingPools.Count == 0), Deadline, "replica2's pool drained");
        Assert.Contains(proxy.Logs, l => l.Contains(" 1852 ") && l.Contains("replica2"));
        Assert.Equal(0, replica2Pool.OpenConnections);
        Assert.NotEqual(Replica2, await Routes.ServerIdAsync(pinned));

        var status = JsonDocument.Parse(await MetricsScrape.GetAsync(server, "/status"));
        Assert.Equal(["primary", "replica1"], status.RootElement.GetProperty("backends").EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        Assert.DoesNotContain("replica2", await MetricsScrape.GetAsync(server, "/metrics"));
        Assert.DoesNotContain("replica2", await MetricsScrape.GetAsync(server, "/"));
        Assert.Equal(0, server.ConfigMetrics.Failures);
        load.AssertNoFailure();
    }

    [Fact]
    public async Task AddingAReplicaPutsItInRotationOnlyAfterItsFirstHealthyCheck()
    {
        await using var proxy = await ReloadableProxy.StartAsync(ReloadableProxy.Yaml("replica1"));
        var server = proxy.Server;
        await using var load = await ServerIdLoad.StartAsync(proxy.Connection());
        await load.WaitForAnswersAsync(50, 0);
        Assert.DoesNotContain(Replica2, load.Answers(0));

        // Its replication stopped, replica2 answers but is not healthy (broken): added, it must get no reads yet.
        await Sql.ExecuteAsync(Replication.Root(Cluster.Replica2Port), "STOP SLAVE");
        try
        {
            await proxy.ReplaceAsync(ReloadableProxy.Yaml("replica1", "replica2"));
            var added = load.MarkApplied();
            var replica2 = server.Context.Backends.Single(b => b.Name == "replica2");
            Assert.Contains(proxy.Logs, l => l.Contains(" 1850 ") && l.Contains("replica2"));
            await Poll.UntilAsync(() => Task.FromResult(replica2.Health is { State: not HealthState.Unknown }), Deadline, "replica2's first check");
            Assert.NotEqual(HealthState.Online, replica2.Health!.State);
            await load.WaitForAnswersAsync(load.Answers(added).Count + 200, added, what: "reads while replica2 is unhealthy");
            Assert.DoesNotContain(Replica2, load.Answers(added));

            await Sql.ExecuteAsync(Replication.Root(Cluster.Replica2Port), "START SLAVE");
            await Poll.UntilAsync(() => Task.FromResult(replica2.Health is { State: HealthState.Online }), Deadline, "replica2 online");
            var healthy = load.MarkApplied();
            await load.WaitForAnswersAsync(1, healthy, a => a.Contains(Replica2), "reads on replica2 once healthy");
        }
        finally
        {
            await Sql.ExecuteAsync(Replication.Root(Cluster.Replica2Port), "START SLAVE");
        }
        var metrics = await MetricsScrape.ScrapeAsync(server);
        Assert.Equal(1, metrics.Value("switchyard_backend_up{backend=\"replica2\"}"));
        load.AssertNoFailure();
    }

    [Fact]
    public async Task AnInvalidFileIsRejectedAndLeavesBackendsAndRoutingAsTheyWere()
    {
        await using var proxy = await ReloadableProxy.StartAsync(ReloadableProxy.Yaml("replica1", "replica2"));
        var server = proxy.Server;
        await using var load = await ServerIdLoad.StartAsync(proxy.Connection());
        var backends = server.Context.BackendSet;

        // replica2 removed, but a key misspelt: nothing of it may apply.
        await proxy.ReplaceAsync(ReloadableProxy.Yaml("replica1").Replace("role: replica", "rol: replica"));
        var after = load.MarkApplied();

        Assert.Equal(1, server.ConfigMetrics.Failures);
        Assert.Equal(0, server.ConfigMetrics.Successes);
        // The failure is counted before its errors are logged: wait for the line naming the error.
        await Poll.UntilAsync(() => Task.FromResult(proxy.Logs.Any(l => l.StartsWith("Error 1802 ", StringComparison.Ordinal) && l.Contains("rol' (did you mean 'role'?)"))),
            Deadline, "the error logged with its line and column");
        Assert.Contains(proxy.Logs, l => l.StartsWith("Error 1801 ", StringComparison.Ordinal));
        Assert.Same(backends, server.Context.BackendSet);
        Assert.Equal(2, server.Context.Replicas.Count);
        await load.WaitForAnswersAsync(20, after, a => a.Contains(Replica1) && a.Contains(Replica2), "reads on both replicas after the rejected reload");
        Assert.DoesNotContain(Replication.PrimaryServerId, load.Answers(after));
        load.AssertNoFailure();
    }

    /// <summary>A connection with a READ ONLY transaction open on the replica answering as <paramref name="serverId"/>
    /// (round-robin spreads them: a transaction landing elsewhere is committed and another started).</summary>
    private static async Task<MySqlConnection> OpenTransactionOnAsync(ReloadableProxy proxy, long serverId)
    {
        var connection = new MySqlConnection(proxy.Connection());
        await connection.OpenAsync();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await Sql.ExecuteAsync(connection, "START TRANSACTION READ ONLY");
            if (await Routes.ServerIdAsync(connection) == serverId)
                return connection;
            await Sql.ExecuteAsync(connection, "COMMIT");
        }
        await connection.DisposeAsync();
        throw new InvalidOperationException($"no READ ONLY transaction landed on server {serverId} in 50 attempts");
    }
}
