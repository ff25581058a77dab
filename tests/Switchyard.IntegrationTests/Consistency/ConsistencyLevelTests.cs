using MySqlConnector;
using Switchyard.IntegrationTests.Routing;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Configuration;
using static Switchyard.IntegrationTests.Consistency.ConsistencySupport;

namespace Switchyard.IntegrationTests.Consistency;

/// <summary>Choosing a level (config, database user, session statement, tag) and what each level does, with replica 1
/// two seconds behind.</summary>
[Collection(ProxyCollection.Name)]
public sealed class ConsistencyLevelTests : IClassFixture<DelayedReplicaFixture>
{
    [Fact]
    public async Task StrongReadsAlwaysRunOnThePrimaryWhateverChoseStrong()
    {
        await using var server = await StartAsync(more: c => c with
        {
            Users = [.. c.Users.Select(u => u.Name == "monitor" ? u with { Consistency = "strong" } : u)],
        });
        await using var session = new MySqlConnection(Connect(server, null));
        await session.OpenAsync();
        await using var byUser = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "monitor", "monitor"));
        await byUser.OpenAsync();

        var tagged = await Routes.ServerIdsAsync(session, 10, "/*consistency='strong'*/ SELECT @@server_id");
        var hinted = await Routes.ServerIdsAsync(session, 10, "SELECT @@server_id /*sy:strong*/");
        await Sql.ExecuteAsync(session, "SET @@switchyard.consistency = 'strong'");
        var set = await Routes.ServerIdsAsync(session, 10);
        var user = await Routes.ServerIdsAsync(byUser, 10);
        // A tag beats the session's level, and the database user's default.
        var eventualTag = await Routes.ServerIdsAsync(session, 10, "/*consistency='eventual'*/ SELECT @@server_id");

        Routes.AssertAllOnThePrimary([.. tagged, .. hinted, .. set, .. user]);
        Routes.AssertSpreadOverBothReplicas(eventualTag);
        Assert.True(await MetricAsync(server, "switchyard_reads_by_consistency_total{level=\"strong\",route=\"primary\"}") >= 40);
    }

    [Fact]
    public async Task MaxLagOfOneSecondNeverReadsFromTheDelayedReplica()
    {
        await using var server = await StartAsync();
        await WaitForDelayVisibleAsync(server);
        await using var connection = new MySqlConnection(Connect(server, null));
        await connection.OpenAsync();

        var tagged = await Routes.ServerIdsAsync(connection, 30, "/*consistency='max_lag=1'*/ SELECT @@server_id");
        await Sql.ExecuteAsync(connection, "SET @@switchyard.consistency = 'max_lag=1'");
        var set = await Routes.ServerIdsAsync(connection, 30);
        var eventual = await Routes.ServerIdsAsync(connection, 30, "/*sy:eventual*/ SELECT @@server_id");

        Assert.DoesNotContain(Replica1, tagged);
        Assert.DoesNotContain(Replica1, set);
        Assert.Contains(Replica2, tagged.Concat(set));
        Assert.Contains(Replica1, eventual); // the delayed replica is online and serves reads that allow it
    }

    [Fact]
    public async Task WithLanesMaxLagReadsGoOnTheLaneOfAReplicaWithinTheBoundOnly()
    {
        const int reads = 60;
        await using var server = await StartAsync(more: c => c with { Routing = c.Routing with { PipelinedLanes = 1 } });
        await WaitForDelayVisibleAsync(server);
        await using var connection = new MySqlConnection(Connect(server, null));
        await connection.OpenAsync();
        await PipelinedLaneTests.WarmUpAsync(server, connection);
        await Sql.ExecuteAsync(connection, "SET @@switchyard.consistency = 'max_lag=1'");
        var onLanesBefore = PipelinedLaneTests.LaneAnswers(server);

        var servers = await Routes.ServerIdsAsync(connection, reads);

        // Only replica 2 is within a second: the reads go there, on its lane, and none waits for replica 1's turn (a
        // read finding replica 2's lag unmeasured for a moment would go to the primary, the usual way).
        Assert.DoesNotContain(Replica1, servers);
        var onReplica2 = servers.Count(id => id == Replica2);
        Assert.True(onReplica2 >= reads / 2, $"replica2 served {onReplica2} of {reads}");
        Assert.Equal(onReplica2, PipelinedLaneTests.LaneAnswers(server) - onLanesBefore);
    }

    [Fact]
    public async Task AfterTheTimeWindowReadsReturnToTheReplicas()
    {
        await using var database = await TestDatabase.CreateAsync();
        await CreateCounterAsync(database);
        await using var server = await StartAsync(c => c with
        {
            ReadYourWrites = c.ReadYourWrites with { Mode = ReadYourWritesModeSetting.Time, TimeWindow = TimeSpan.FromSeconds(1) },
        });
        await using var connection = new MySqlConnection(Connect(server, database.Name));
        await connection.OpenAsync();

        await Sql.ExecuteAsync(connection, "UPDATE c SET v = 1 WHERE id = 1");
        var (value, first) = await ReadCounterAsync(connection);
        long? replica = null;
        await Poll.UntilAsync(async () =>
        {
            var id = await Routes.ServerIdAsync(connection);
            replica = id == Replication.PrimaryServerId ? null : id;
            return replica is not null;
        }, TimeSpan.FromSeconds(10), "a read runs on a replica again");

        Assert.Equal(1, value);
        Assert.Equal(Replication.PrimaryServerId, first);
        Assert.True(await MetricAsync(server, "switchyard_ryw_decisions_total{decision=\"primary_time_window\"}") >= 1);
    }

    [Fact]
    public async Task SessionVariablesAreSetReadBackRejectedWhenBadAndClearedByAReset()
    {
        await using var server = await StartAsync();
        await using var connection = new MySqlConnection(Connect(server, null));
        await connection.OpenAsync();

        Assert.Equal("read-your-writes", await Sql.ScalarAsync(connection, "SELECT @@switchyard.consistency"));
        Assert.Null(await Sql.ScalarAsync(connection, "SELECT @@switchyard.user_id"));
        await Sql.ExecuteAsync(connection, "SET @@switchyard.consistency = 'max_lag=1.5', @@switchyard.user_id = 'u-9'");
        var rows = await Sql.RowsAsync(connection, "SELECT @@switchyard.consistency, @@switchyard.user_id");
        Assert.Equal([["max_lag=1.5", "u-9"]], rows);

        var bad = await Assert.ThrowsAsync<MySqlException>(() => Sql.ExecuteAsync(connection, "SET @@switchyard.consistency = 'sometimes'"));
        Assert.Equal(1231, bad.Number);
        Assert.Equal("42000", bad.SqlState);
        Assert.Contains("sometimes", bad.Message);
        var unknown = await Assert.ThrowsAsync<MySqlException>(() => Sql.ExecuteAsync(connection, "SET @@switchyard.colour = 'blue'"));
        Assert.Equal(1193, unknown.Number);
        // The session keeps its level and goes on.
        Assert.Equal("max_lag=1.5", await Sql.ScalarAsync(connection, "SELECT @@switchyard.consistency"));
        Assert.Equal(1L, Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT 1")));

        await connection.ResetConnectionAsync();
        Assert.Equal("read-your-writes", await Sql.ScalarAsync(connection, "SELECT @@switchyard.consistency"));
        Assert.Null(await Sql.ScalarAsync(connection, "SELECT @@switchyard.user_id"));
        await Sql.ExecuteAsync(connection, "SET @@switchyard.consistency = 'strong'");
        await Sql.ExecuteAsync(connection, "SET @@switchyard.consistency = DEFAULT");
        Assert.Equal("read-your-writes", await Sql.ScalarAsync(connection, "SELECT @@switchyard.consistency"));
    }

    [Fact]
    public async Task SessionVariablesWorkForAClientWithClassicEofPackets()
    {
        await using var server = await StartAsync();
        await using var client = await RawMySqlClient.LoginAsync(server.MySqlEndPoint.Port, "app", "app");

        await client.QueryAsync("SET @@switchyard.consistency = 'eventual'");
        var (_, ok) = await client.ReadPacketAsync();
        await client.QueryAsync("SELECT @@switchyard.consistency");
        var (rows, end) = await client.ReadTextResultAsync();
        await client.QueryAsync("SET @@switchyard.consistency = 'never'");
        var (_, err) = await client.ReadPacketAsync();
        await client.QueryAsync("SELECT @@server_id");
        var (after, _) = await client.ReadTextResultAsync();

        Assert.Equal(0x00, ok[0]);
        Assert.Equal("eventual", Assert.Single(rows)[0]);
        Assert.Equal(0xFE, end[0]);
        Assert.Equal(1231, RawMySqlClient.ParseError(err).Code);
        Assert.Single(after);
    }

    [Fact]
    public async Task AMalformedTagIsIgnoredWithoutErrorAndTheDefaultApplies()
    {
        await using var database = await TestDatabase.CreateAsync();
        await CreateCounterAsync(database);
        await using var server = await StartAsync();
        await WaitForDelayVisibleAsync(server);
        await using var connection = new MySqlConnection(Connect(server, database.Name));
        await connection.OpenAsync();

        // No write yet: read-your-writes (the default) reads from any replica.
        var before = await Routes.ServerIdsAsync(connection, 10, "/*consistency='sometimes'*/ SELECT @@server_id");
        await Sql.ExecuteAsync(connection, "UPDATE c SET v = 5 WHERE id = 1");
        // After a write the default still holds: the malformed tag asked for nothing weaker.
        var (value, serverId) = await ReadCounterAsync(connection, "/*consistency='sometimes',min_gtid='x-y'*/ ");

        Routes.AssertSpreadOverBothReplicas(before);
        Assert.Equal(5, value);
        Assert.NotEqual(Replica1, serverId);
    }
}
