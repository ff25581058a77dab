using MySqlConnector;
using Switchyard.IntegrationTests.Routing;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Configuration;
using Xunit.Abstractions;
using static Switchyard.IntegrationTests.Consistency.ConsistencySupport;

namespace Switchyard.IntegrationTests.Consistency;

/// <summary>Read-your-writes on the real topology: replica 1 two seconds behind, replica 2 not delayed. A read that
/// would see the old value is stale; none may be.</summary>
[Collection(ProxyCollection.Name)]
public sealed class ReadYourWritesTests(ITestOutputHelper output) : IClassFixture<DelayedReplicaFixture>
{
    private const int Pairs = 500;

    /// <summary>Writes on connection A and reads at once on connection B, both tagged with one user key.</summary>
    private async Task<List<long>> WriteThenReadAcrossConnectionsAsync(Proxy.Hosting.SwitchyardServer server, string database, string writerKey, string readerKey,
        int pairs, bool allowStale = false)
    {
        await using var writer = new MySqlConnection(Connect(server, database));
        await using var reader = new MySqlConnection(Connect(server, database));
        await writer.OpenAsync();
        await reader.OpenAsync();
        var servers = new List<long>();
        var stale = 0;
        for (var i = 1; i <= pairs; i++)
        {
            await Sql.ExecuteAsync(writer, $"/*user_id='{writerKey}'*/ UPDATE c SET v = {i} WHERE id = 1");
            var (value, serverId) = await ReadCounterAsync(reader, $"/*user_id='{readerKey}'*/ ");
            servers.Add(serverId);
            if (value != i)
            {
                stale++;
                Assert.True(allowStale, $"pair {i}: read {value} from server_id {serverId}, wrote {i}");
            }
        }
        output.WriteLine($"{pairs} pairs: {stale} stale; served by primary {servers.Count(s => s == Replication.PrimaryServerId)}, replica1 {servers.Count(s => s == Replica1)}, replica2 {servers.Count(s => s == Replica2)}");
        return servers;
    }

    [Fact]
    public async Task WriteOnOneConnectionIsSeenAtOnceOnAnotherWithTheSameUserKeyInGtidModeMostlyFromReplica2()
    {
        await using var database = await TestDatabase.CreateAsync();
        await CreateCounterAsync(database);
        await using var server = await StartAsync(UserScope(ReadYourWritesModeSetting.Gtid));
        await WaitForDelayVisibleAsync(server);

        var servers = await WriteThenReadAcrossConnectionsAsync(server, database.Name, "u42", "u42", Pairs);

        Assert.DoesNotContain(Replica1, servers);
        Assert.True(servers.Count(s => s == Replica2) > Pairs / 2, $"replica2 served {servers.Count(s => s == Replica2)} of {Pairs}");
        var waited = await MetricAsync(server, "switchyard_ryw_decisions_total{decision=\"waited\"}");
        var caughtUp = await MetricAsync(server, "switchyard_ryw_decisions_total{decision=\"replica_caught_up\"}");
        var fallback = await MetricAsync(server, "switchyard_ryw_decisions_total{decision=\"primary_fallback\"}");
        output.WriteLine($"decisions: waited {waited}, caught up {caughtUp}, primary fallback {fallback}");
        Assert.Equal(Pairs, waited + caughtUp + fallback);
    }

    [Fact]
    public async Task WriteOnOneConnectionIsSeenAtOnceOnAnotherWithTheSameUserKeyInTimeMode()
    {
        await using var database = await TestDatabase.CreateAsync();
        await CreateCounterAsync(database);
        await using var server = await StartAsync(UserScope(ReadYourWritesModeSetting.Time));
        await WaitForDelayVisibleAsync(server);

        var servers = await WriteThenReadAcrossConnectionsAsync(server, database.Name, "u7", "u7", Pairs);

        // Within the 5 s window after each write: the primary.
        Routes.AssertAllOnThePrimary(servers);
    }

    [Fact]
    public async Task ReadsOfAnotherUserKeyAreEventualAndDoGoToReplicas()
    {
        await using var database = await TestDatabase.CreateAsync();
        await CreateCounterAsync(database);
        await using var server = await StartAsync(UserScope(ReadYourWritesModeSetting.Gtid));
        await WaitForDelayVisibleAsync(server);

        var servers = await WriteThenReadAcrossConnectionsAsync(server, database.Name, "writer", "someone-else", 100, allowStale: true);

        Assert.DoesNotContain(Replication.PrimaryServerId, servers);
        Routes.AssertSpreadOverBothReplicas(servers);
    }

    [Fact]
    public async Task ByDefaultAConnectionReadsItsOwnWritesAndAnotherConnectionIsUnaffected()
    {
        await using var database = await TestDatabase.CreateAsync();
        await CreateCounterAsync(database);
        await using var server = await StartAsync();
        await WaitForDelayVisibleAsync(server);
        await using var connection = new MySqlConnection(Connect(server, database.Name));
        await using var other = new MySqlConnection(Connect(server, database.Name));
        await connection.OpenAsync();
        await other.OpenAsync();

        var servers = new List<long>();
        for (var i = 1; i <= 100; i++)
        {
            await Sql.ExecuteAsync(connection, $"UPDATE c SET v = {i} WHERE id = 1");
            var (value, serverId) = await ReadCounterAsync(connection);
            Assert.True(value == i, $"pair {i}: read {value} from server_id {serverId}");
            servers.Add(serverId);
        }
        var otherServers = await Routes.ServerIdsAsync(other, 20);

        Assert.DoesNotContain(Replica1, servers);
        Assert.DoesNotContain(Replication.PrimaryServerId, otherServers);
        Routes.AssertSpreadOverBothReplicas(otherServers);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithLanesReadsAfterAWriteGoOnTheLaneOfAReplicaKnownToHaveItAndStillSeeIt(bool prepared)
    {
        const int rounds = 30, readsEach = 5;
        await using var database = await TestDatabase.CreateAsync();
        await CreateCounterAsync(database);
        await using var server = await StartAsync(more: c => c with { Routing = c.Routing with { PipelinedLanes = 1 } });
        await WaitForDelayVisibleAsync(server);
        await using var connection = new MySqlConnection(Connect(server, database.Name, prepared ? "IgnorePrepare=false;" : ""));
        await connection.OpenAsync();
        await using var select = new MySqlCommand("SELECT v, @@server_id FROM c WHERE id = 1", connection);
        if (prepared)
            await select.PrepareAsync();
        // Before the session's first write its reads are eventual: they open a lane on each replica.
        await PipelinedLaneTests.WarmUpAsync(server, () => ReadCounterAsync(connection, prepared: select));
        var onLanesBefore = PipelinedLaneTests.LaneAnswers(server);
        async Task<double> DecisionsAsync() =>
            await MetricAsync(server, "switchyard_ryw_decisions_total{decision=\"waited\"}")
            + await MetricAsync(server, "switchyard_ryw_decisions_total{decision=\"replica_caught_up\"}")
            + await MetricAsync(server, "switchyard_ryw_decisions_total{decision=\"primary_fallback\"}");
        var decisionsBefore = await DecisionsAsync();

        var servers = new List<long>();
        for (var i = 1; i <= rounds; i++)
        {
            await Sql.ExecuteAsync(connection, $"UPDATE c SET v = {i} WHERE id = 1");
            for (var read = 1; read <= readsEach; read++)
            {
                var (value, serverId) = await ReadCounterAsync(connection, prepared: select);
                Assert.True(value == i, $"round {i} read {read}: read {value} from server_id {serverId}");
                servers.Add(serverId);
            }
        }

        // Replica 1 is two seconds behind: never known to have a write this young, so never read from. The first read
        // after a write may have to wait (the usual way) until replica 2 is known to have it; the others need no wait
        // and go on replica 2's lane (here all of them; at least half even if a slow machine made some waits time out
        // and fall back to the primary), each counted once with the read-your-writes decisions.
        Assert.DoesNotContain(Replica1, servers);
        var onLanes = PipelinedLaneTests.LaneAnswers(server) - onLanesBefore;
        output.WriteLine($"{rounds * readsEach} reads after writes: {onLanes} on lanes; primary {servers.Count(s => s == Replication.PrimaryServerId)}, replica2 {servers.Count(s => s == Replica2)}");
        Assert.True(onLanes >= rounds * (readsEach - 1) / 2, $"{onLanes} of {rounds * readsEach} reads after writes were served on lanes");
        // A read served on a lane is counted when its session resumes, which can be just after its client has the
        // answer: the last one may still be on its way.
        var decisions = 0.0;
        await Poll.UntilAsync(async () => (decisions = await DecisionsAsync() - decisionsBefore) >= rounds * readsEach,
            TimeSpan.FromSeconds(5), $"the {rounds * readsEach} reads are counted with the read-your-writes decisions", () => $"{decisions}");
        Assert.Equal(rounds * readsEach, decisions);
    }

    [Fact]
    public async Task PreparedWritesAndReadsBehaveLikeTextOnes()
    {
        await using var database = await TestDatabase.CreateAsync();
        await CreateCounterAsync(database);
        await using var server = await StartAsync(UserScope(ReadYourWritesModeSetting.Gtid));
        await WaitForDelayVisibleAsync(server);
        await using var writer = new MySqlConnection(Connect(server, database.Name, "IgnorePrepare=false;"));
        await using var reader = new MySqlConnection(Connect(server, database.Name, "IgnorePrepare=false;"));
        await writer.OpenAsync();
        await reader.OpenAsync();
        await Sql.ExecuteAsync(writer, "SET @@switchyard.user_id = 'p1'");
        await Sql.ExecuteAsync(reader, "SET @@switchyard.user_id = 'p1'");
        await using var update = new MySqlCommand("UPDATE c SET v = @v WHERE id = 1", writer);
        update.Parameters.Add("@v", MySqlDbType.Int32);
        await update.PrepareAsync();
        await using var select = new MySqlCommand("SELECT v, @@server_id FROM c WHERE id = 1", reader);
        await select.PrepareAsync();

        var servers = new List<long>();
        for (var i = 1; i <= 200; i++)
        {
            update.Parameters["@v"].Value = i;
            await update.ExecuteNonQueryAsync();
            var (value, serverId) = await ReadCounterAsync(reader, prepared: select);
            Assert.True(value == i, $"pair {i}: read {value} from server_id {serverId}");
            servers.Add(serverId);
        }

        Assert.DoesNotContain(Replica1, servers);
        Assert.Contains(Replica2, servers);
    }

    [Fact]
    public async Task SelectLastGtidReturnsTheSessionsWriteAndAMinGtidTagGivesAnotherConnectionReadYourWrites()
    {
        await using var database = await TestDatabase.CreateAsync();
        await CreateCounterAsync(database);
        await using var server = await StartAsync();
        await WaitForDelayVisibleAsync(server);
        await using var writer = new MySqlConnection(Connect(server, database.Name));
        await using var reader = new MySqlConnection(Connect(server, database.Name));
        await writer.OpenAsync();
        await reader.OpenAsync();
        Assert.Equal("", await Sql.ScalarAsync(writer, "SELECT @@last_gtid"));

        var servers = new List<long>();
        for (var i = 1; i <= 100; i++)
        {
            await Sql.ExecuteAsync(writer, $"UPDATE c SET v = {i} WHERE id = 1");
            var gtid = (string)(await Sql.ScalarAsync(writer, "SELECT @@last_gtid"))!;
            Assert.Matches(@"^\d+-1-\d+$", gtid);
            var (value, serverId) = await ReadCounterAsync(reader, $"/*min_gtid='{gtid}'*/ ");
            Assert.True(value == i, $"pair {i}: read {value} from server_id {serverId} after GTID {gtid}");
            servers.Add(serverId);
        }
        // The GTID the proxy reports is the primary's own.
        var last = (string)(await Sql.ScalarAsync(writer, "SELECT @@last_gtid"))!;
        var binlogPosition = (string)(await Sql.ScalarAsync(Cluster.Root(), "SELECT @@gtid_binlog_pos"))!;
        Assert.Contains(last.Split('-')[0] + "-", binlogPosition);

        Assert.DoesNotContain(Replica1, servers);
        Assert.Contains(Replica2, servers);
    }

    [Fact]
    public async Task AClientWithoutSessionTrackingLearnsItsWritesGtidWithAQueryAndStillReadsItsWrites()
    {
        await using var database = await TestDatabase.CreateAsync();
        await CreateCounterAsync(database);
        await using var server = await StartAsync();
        await WaitForDelayVisibleAsync(server);
        // The raw client negotiates neither CLIENT_SESSION_TRACK nor DEPRECATE_EOF.
        await using var client = await RawMySqlClient.LoginAsync(server.MySqlEndPoint.Port, "app", "app", database.Name);

        var servers = new List<long>();
        for (var i = 1; i <= 100; i++)
        {
            await client.QueryAsync($"UPDATE c SET v = {i} WHERE id = 1");
            var (_, ok) = await client.ReadPacketAsync();
            Assert.Equal(0x00, ok[0]);
            await client.QueryAsync("SELECT v, @@server_id FROM c WHERE id = 1");
            var (rows, _) = await client.ReadTextResultAsync();
            var row = Assert.Single(rows);
            Assert.True(row[0] == i.ToString(), $"pair {i}: read {row[0]} from server_id {row[1]}");
            servers.Add(long.Parse(row[1]!));
        }
        await client.QueryAsync("SELECT @@last_gtid");
        var (gtidRows, _) = await client.ReadTextResultAsync();

        Assert.Matches(@"^\d+-1-\d+$", Assert.Single(gtidRows)[0]!);
        Assert.DoesNotContain(Replica1, servers);
        Assert.Contains(Replica2, servers);
    }
}
