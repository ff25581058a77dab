using System.Collections.Concurrent;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Hosting;

namespace Switchyard.IntegrationTests.Routing;

/// <summary>routing.pipelined_lanes on the primary: autocommit reads that the primary serves (strong reads, and reads for
/// a replica when none is in rotation) are pipelined over shared connections too, and still see every write their
/// client committed before them.</summary>
[Collection(ProxyCollection.Name)]
public sealed class PrimaryLaneTests
{
    private static BackendPool Primary(SwitchyardServer server) => server.Context.BackendSet.PrimaryPool;

    private static long PrimaryLaneAnswers(SwitchyardServer server) => Primary(server).Lanes?.Answered ?? 0;

    /// <summary>Reads until a lane is open on the primary (the first reads go the usual way while it opens).</summary>
    private static Task WarmUpAsync(SwitchyardServer server, MySqlConnection connection, string sql) =>
        Poll.UntilAsync(async () =>
        {
            await Sql.ScalarAsync(connection, sql);
            return Primary(server).Lanes?.Count > 0;
        }, TimeSpan.FromSeconds(10), "a lane opens on the primary");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StrongReadsArePipelinedOnThePrimaryAndSeeEachClientsOwnWrites(bool prepared)
    {
        const int clients = 6, rounds = 60;
        await using var database = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(), $"CREATE TABLE `{database}`.t (client INT NOT NULL, n INT NOT NULL, PRIMARY KEY (client, n))");
        await using var server = await ReplicatedProxyFixture.StartAsync(c => c with { Routing = c.Routing with { PipelinedLanes = 1 } });
        var through = Cluster.ConnectionString(server.MySqlEndPoint.Port, database.Name, "app", "app");
        await using (var warm = new MySqlConnection(through))
        {
            await warm.OpenAsync();
            await WarmUpAsync(server, warm, "/*consistency='strong'*/ SELECT 1");
        }
        var before = PrimaryLaneAnswers(server);
        var wrong = new ConcurrentQueue<string>();

        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            await using var connection = new MySqlConnection(through);
            await connection.OpenAsync();
            await Sql.ExecuteAsync(connection, "SET @@switchyard.consistency = 'strong'");
            await using var write = new MySqlCommand("INSERT INTO t VALUES (@c, @n)", connection);
            write.Parameters.AddWithValue("@c", client);
            var n = write.Parameters.Add("@n", MySqlDbType.Int32);
            await using var read = new MySqlCommand("SELECT @@server_id, COUNT(*), MAX(n) FROM t WHERE client = @c", connection);
            read.Parameters.AddWithValue("@c", client);
            if (prepared)
                await read.PrepareAsync();
            for (var i = 0; i < rounds; i++)
            {
                n.Value = i;
                await write.ExecuteNonQueryAsync();
                await using var reader = await read.ExecuteReaderAsync();
                Assert.True(await reader.ReadAsync());
                var (servedBy, count, max) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
                if (servedBy != Replication.PrimaryServerId || count != i + 1 || max != i)
                    wrong.Enqueue($"client {client} round {i}: server {servedBy}, {count} rows up to {max}");
            }
        })));

        Assert.Empty(wrong);
        var onLane = PrimaryLaneAnswers(server) - before;
        // Every read (the count also holds the lane's own PREPARE of the prepared statement).
        Assert.True(onLane >= clients * rounds, $"{onLane} of {clients * rounds} reads were served on the primary's lane");
        Assert.Equal(1, Primary(server).Lanes!.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithNoReplicaInRotationReadsArePipelinedOnThePrimary(bool replicaConfigured)
    {
        // The shared cluster's primary alone, or with a replica nothing listens for: reads meant for a replica go to the
        // primary, a fallback only when a replica is configured.
        await using var server = await ProxyFixture.StartProxyAsync(c => c with
        {
            Routing = c.Routing with { PipelinedLanes = 1 },
            Backends = replicaConfigured
                ? [.. c.Backends, new BackendConfig { Name = "dead", Host = Cluster.Host, Port = ReadWriteSplitTests.UnusedPort(), Role = BackendRole.Replica }]
                : c.Backends,
        });
        await using var connection = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app"));
        await connection.OpenAsync();
        await WarmUpAsync(server, connection, "SELECT 1");
        var fallbacks = await FallbacksAsync(server);
        var before = PrimaryLaneAnswers(server);

        Routes.AssertAllOnThePrimary(await Routes.ServerIdsAsync(connection, 50));

        Assert.Equal(before + 50, PrimaryLaneAnswers(server));
        Assert.Equal(fallbacks + (replicaConfigured ? 50 : 0), await FallbacksAsync(server));
        Assert.Equal(replicaConfigured, server.Context.Replicas.IsFallingBack);
    }

    [Fact]
    public async Task ReadsInATransactionOrOfAPinnedSessionStayOnTheirOwnPrimaryConnection()
    {
        await using var server = await ProxyFixture.StartProxyAsync(c => c with { Routing = c.Routing with { PipelinedLanes = 1 } });
        await using var connection = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app", "Allow User Variables=true;"));
        await connection.OpenAsync();
        await WarmUpAsync(server, connection, "SELECT 1");
        var before = PrimaryLaneAnswers(server);

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var inside = await Routes.ServerIdsAsync(connection, 5, "SELECT CONNECTION_ID()", transaction);
            Assert.Single(inside.Distinct());
            await transaction.CommitAsync();
        }
        await Sql.ExecuteAsync(connection, "SET @mine = 42"); // user variables pin the session to its connection
        for (var i = 0; i < 5; i++)
            Assert.Equal(42L, Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT @mine")));

        Assert.Equal(before, PrimaryLaneAnswers(server));
    }

    [Fact]
    public async Task AReadWaitingOnAPrimaryLaneThatIsLostGoesTheUsualWayWithoutAnError()
    {
        await using var relay = new DelayRelay(Cluster.PrimaryPort, TimeSpan.Zero, TimeSpan.Zero);
        await using var server = await ProxyFixture.StartProxyAsync(c => c with
        {
            Routing = c.Routing with { PipelinedLanes = 1 },
            Backends = [c.Backends[0] with { Port = relay.Port }],
        });
        var lanes = Primary(server).Lanes!;
        await using var client = await RawMySqlClient.LoginAsync(server.MySqlEndPoint.Port, "app", "app");
        async Task<string> ReadAsync(string sql)
        {
            await client.QueryAsync(sql);
            var (rows, end) = await client.ReadTextResultAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(rows.Count == 1, $"{sql}: {rows.Count} rows, ending with {Describe(end)}");
            return rows[0][^1]!;
        }
        await Poll.UntilAsync(async () => await ReadAsync("SELECT 1") == "1" && lanes.Count > 0, TimeSpan.FromSeconds(10), "a lane opens on the primary");
        var answered = lanes.Answered;

        const string slow = "SELECT SLEEP(3), 7";
        await client.QueryAsync(slow);
        await Poll.UntilAsync(() => Task.FromResult(lanes.Waiting == 1), TimeSpan.FromSeconds(10), "the read waits on the lane");
        // The lane's connection, and only that one, is lost: the relay's side of it is the client the primary shows
        // running the read (once the server has taken the read up).
        var host = "";
        await Poll.UntilAsync(async () =>
        {
            host = Convert.ToString(await Sql.ScalarAsync(Cluster.Root(), $"SELECT HOST FROM information_schema.PROCESSLIST WHERE INFO = '{slow}'")) ?? "";
            return host.Length > 0;
        }, TimeSpan.FromSeconds(2), "the primary runs the read");
        Assert.True(relay.DropConnection(int.Parse(host[(host.LastIndexOf(':') + 1)..])), $"no relayed connection from {host}");
        var (rows, end) = await client.ReadTextResultAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(rows.Count == 1, $"{rows.Count} rows, ending with {Describe(end)}");
        Assert.Equal("7", rows[0][1]);
        Assert.Equal(answered, lanes.Answered);
        // A new lane opens and serves the next reads.
        await Poll.UntilAsync(async () => await ReadAsync("SELECT 2") == "2" && lanes.Answered > answered, TimeSpan.FromSeconds(10),
            "a new lane serves reads");
    }

    /// <summary>The last packet of an answer, for a failure message.</summary>
    private static string Describe(byte[] end)
    {
        if (end[0] != 0xFF)
            return $"packet 0x{end[0]:X2}";
        var (code, state, message) = RawMySqlClient.ParseError(end);
        return $"ERR {code} ({state}) {message}";
    }

    private static async Task<double> FallbacksAsync(SwitchyardServer server) =>
        (await MetricsScrape.ScrapeAsync(server)).Value("switchyard_routing_fallbacks_total{reason=\"no_eligible_replica\"}") ?? 0;
}
