using System.Collections.Concurrent;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Hosting;

namespace Switchyard.IntegrationTests.Routing;

/// <summary>routing.pipelined_lanes: autocommit reads of sessions without state of their own are pipelined over a few
/// shared connections per replica, and each client still gets exactly its own answers and diagnostics.</summary>
[Collection(ProxyCollection.Name)]
public sealed class PipelinedLaneTests
{
    private static Task<SwitchyardServer> StartAsync(TimeSpan? stallTimeout = null) =>
        ReplicatedProxyFixture.StartAsync(c => c with
        {
            Routing = c.Routing with { PipelinedLanes = 1, PipelineStallTimeout = stallTimeout ?? c.Routing.PipelineStallTimeout },
        });

    /// <summary>Commands answered on the lanes of every replica.</summary>
    internal static long LaneAnswers(SwitchyardServer server) => server.Context.Pools.Values.Sum(p => p.Lanes?.Answered ?? 0);

    /// <summary>Writes to the lanes of every replica.</summary>
    private static long LaneWrites(SwitchyardServer server) => server.Context.Pools.Values.Sum(p => p.Lanes?.Writes ?? 0);

    /// <summary>Commands waiting for their answers on the lanes of every replica.</summary>
    private static int Waiting(SwitchyardServer server) => server.Context.Pools.Values.Sum(p => p.Lanes?.Waiting ?? 0);

    private static int OpenLanes(SwitchyardServer server) => server.Context.Pools.Values.Sum(p => p.Lanes?.Count ?? 0);

    /// <summary>Why a read may not have gone on a lane, for a failure message: each replica's rotation, health and lanes.</summary>
    private static string Describe(SwitchyardServer server) => string.Join("; ", server.Context.Pools.Values
        .Where(p => !p.Endpoint.IsPrimary)
        .Select(p => $"{p.Endpoint.Name}: in rotation {p.Endpoint.InRotation}, health {p.Endpoint.Health?.State} ({p.Endpoint.Health?.Reason}), lanes {p.Lanes?.Count}, waiting {p.Lanes?.Waiting}"));

    /// <summary>Reads until a lane is open on each replica for the client's profile and schema (the first reads go the
    /// usual way while the lanes open in the background).</summary>
    internal static Task WarmUpAsync(SwitchyardServer server, MySqlConnection connection) =>
        WarmUpAsync(server, () => Sql.ScalarAsync(connection, "SELECT 1"));

    private static Task WarmUpAsync(SwitchyardServer server, RawMySqlClient client) =>
        WarmUpAsync(server, async () =>
        {
            await client.QueryAsync("SELECT 1");
            await client.ReadTextResultAsync();
        });

    internal static Task WarmUpAsync(SwitchyardServer server, Func<Task> read) =>
        Poll.UntilAsync(async () =>
        {
            await read();
            return OpenLanes(server) >= 2;
        }, TimeSpan.FromSeconds(10), "a lane opens on both replicas");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConcurrentClientsGetExactlyTheirOwnAnswersOverTheSharedConnections(bool prepared)
    {
        const int clients = 8, readsEach = 300;
        await using var server = await StartAsync();
        var through = Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app");
        await using (var warm = new MySqlConnection(through))
        {
            await warm.OpenAsync();
            await WarmUpAsync(server, warm);
        }
        var before = LaneAnswers(server);
        var servedBy = new ConcurrentBag<long>();
        var wrong = new ConcurrentQueue<string>();

        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            await using var connection = new MySqlConnection(through);
            await connection.OpenAsync();
            await using var command = new MySqlCommand("SELECT @@server_id, @v, REPEAT('x', @v % 3000)", connection);
            var value = command.Parameters.Add("@v", MySqlDbType.Int64);
            if (prepared)
                await command.PrepareAsync();
            for (var i = 0; i < readsEach; i++)
            {
                var expected = client * 1_000_000L + i;
                value.Value = expected;
                await using var reader = await command.ExecuteReaderAsync();
                Assert.True(await reader.ReadAsync());
                servedBy.Add(reader.GetInt64(0));
                var got = reader.GetInt64(1);
                var text = reader.GetString(2);
                if (got != expected || text.Length != expected % 3000)
                    wrong.Enqueue($"client {client} read {i}: got {got} with {text.Length} characters");
                Assert.False(await reader.ReadAsync());
            }
        })));

        Assert.Empty(wrong);
        Routes.AssertSpreadOverBothReplicas(servedBy.ToList());
        // Nearly every read went over the lanes (a prepared statement's first EXECUTE follows its PREPARE on the same
        // connection, the usual way), and the lanes are all the connections they took.
        var onLanes = LaneAnswers(server) - before;
        Assert.True(onLanes >= clients * (readsEach - 2), $"{onLanes} of {clients * readsEach} reads were served on lanes");
        Assert.Equal(2, OpenLanes(server));
    }

    [Fact]
    public async Task ReadsQueuedBehindAnAnswerLeaveInOneWriteWhenItArrives()
    {
        await using var server = await StartAsync();
        var port = server.MySqlEndPoint.Port;
        var clients = new List<RawMySqlClient>();
        try
        {
            for (var i = 0; i < 8; i++)
                clients.Add(await RawMySqlClient.LoginAsync(port, "app", "app"));
            await WarmUpAsync(server, clients[0]);
            var writesBefore = LaneWrites(server);
            var answersBefore = LaneAnswers(server);

            // One slow read per replica (round-robin alternates), then six reads that queue behind them, three per lane;
            // the slow reads leave 2 s for the others to queue.
            await clients[0].QueryAsync("SELECT SLEEP(2), 0");
            await clients[1].QueryAsync("SELECT SLEEP(2), 1");
            await Poll.UntilAsync(() => Task.FromResult(Waiting(server) == 2), TimeSpan.FromSeconds(10), "both slow reads wait on lanes");
            for (var i = 2; i < 8; i++)
                await clients[i].QueryAsync($"SELECT 0, {i}");
            await Poll.UntilAsync(() => Task.FromResult(Waiting(server) == 8), TimeSpan.FromSeconds(10), "the other reads queue behind them");

            for (var i = 0; i < 8; i++)
            {
                var (rows, _) = await clients[i].ReadTextResultAsync().WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal(i.ToString(), Assert.Single(rows)[1]);
            }
            Assert.Equal(answersBefore + 8, LaneAnswers(server));
            // Per lane: the slow read alone, then the three behind it together once its answer came.
            Assert.Equal(writesBefore + 4, LaneWrites(server));

            // The same counts, per replica, as Prometheus sees them.
            var samples = await MetricsScrape.ScrapeAsync(server);
            double Sum(string name) => samples.Where(sample => sample.Key.StartsWith(name + "{", StringComparison.Ordinal)).Sum(sample => sample.Value);
            Assert.Equal(LaneWrites(server), Sum("switchyard_backend_pipelined_writes_total"));
            Assert.Equal(LaneAnswers(server), Sum("switchyard_backend_pipelined_statements_total"));
            Assert.Equal(2, Sum("switchyard_backend_pipelined_lanes"));
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task ShowWarningsAfterAReadOnALaneShowsThatReadsWarnings()
    {
        await using var server = await StartAsync();
        await using var connection = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app"));
        await connection.OpenAsync();
        await WarmUpAsync(server, connection);

        for (var i = 0; i < 4; i++) // both replicas, twice
        {
            var before = LaneAnswers(server);
            Assert.Equal(12L + i, Convert.ToInt64(await Sql.ScalarAsync(connection, $"SELECT CAST('{12 + i}abc' AS SIGNED)")));
            Assert.True(LaneAnswers(server) == before + 1, $"read {i} was not served on a lane: {Describe(server)}");

            var warnings = await Sql.RowsAsync(connection, "SHOW WARNINGS");
            var warning = Assert.Single(warnings);
            Assert.Equal("1292", warning[1]);
            Assert.Contains($"'{12 + i}abc'", warning[2]);
        }
        // A clean read of a table leaves nothing for SHOW WARNINGS, as on a server, whatever the connection that serves
        // SHOW WARNINGS last ran (the one just used kept the replayed read's warning).
        await Sql.ScalarAsync(connection, "SELECT COUNT(*) FROM information_schema.COLLATIONS");
        Assert.Empty(await Sql.RowsAsync(connection, "SHOW WARNINGS"));
    }

    [Fact]
    public async Task ShowWarningsAfterAPreparedReadOnALaneShowsThatReadsWarnings()
    {
        await using var server = await StartAsync();
        await using var connection = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app"));
        await connection.OpenAsync();
        await WarmUpAsync(server, connection);
        await using var command = new MySqlCommand("SELECT CAST(@v AS SIGNED)", connection);
        var value = command.Parameters.Add("@v", MySqlDbType.VarChar);
        await command.PrepareAsync();
        value.Value = "1";
        await command.ExecuteScalarAsync(); // the first EXECUTE runs where PREPARE did

        for (var i = 0; i < 4; i++) // then on the lanes of both replicas, twice
        {
            // A statement that left warnings keeps its connection for the next one (SHOW WARNINGS did): a read gives it back.
            await Sql.ScalarAsync(connection, "SELECT 1");
            value.Value = $"{20 + i}xyz";
            var before = LaneAnswers(server);
            Assert.Equal(20L + i, Convert.ToInt64(await command.ExecuteScalarAsync()));
            Assert.True(LaneAnswers(server) > before, $"EXECUTE {i} was not served on a lane: {Describe(server)}");

            var warning = Assert.Single(await Sql.RowsAsync(connection, "SHOW WARNINGS"));
            Assert.Equal("1292", warning[1]);
            Assert.Contains($"'{20 + i}xyz'", warning[2]);
        }
    }

    [Fact]
    public async Task ShowErrorsAfterAFailedReadOnALaneShowsThatError()
    {
        await using var server = await StartAsync();
        await using var connection = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app"));
        await connection.OpenAsync();
        await WarmUpAsync(server, connection);

        var before = LaneAnswers(server);
        var error = await Assert.ThrowsAsync<MySqlException>(() => Sql.ScalarAsync(connection, "SELECT no_such_column FROM information_schema.SCHEMATA"));
        Assert.Equal(1054, error.Number);
        Assert.Equal(before + 1, LaneAnswers(server));
        var errors = await Sql.RowsAsync(connection, "SHOW ERRORS");
        Assert.Equal("1054", Assert.Single(errors)[1]);
    }

    [Fact]
    public async Task SessionsWithOtherSettingsGetLanesWithTheirSettings()
    {
        const int reads = 100;
        await using var server = await StartAsync();
        var through = Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app");
        await using var plain = new MySqlConnection(through);
        await plain.OpenAsync();
        await using var precise = new MySqlConnection(through);
        await precise.OpenAsync();
        await Sql.ExecuteAsync(precise, "SET SESSION div_precision_increment = 9");
        await Poll.UntilAsync(async () =>
        {
            await Sql.ScalarAsync(plain, "SELECT 1");
            await Sql.ScalarAsync(precise, "SELECT 1");
            return OpenLanes(server) >= 4;
        }, TimeSpan.FromSeconds(10), "lanes open for both sessions' settings on both replicas");
        var before = LaneAnswers(server);

        var answers = await Task.WhenAll(
            Task.Run(async () => { var seen = new HashSet<string>(); for (var i = 0; i < reads; i++) seen.Add(Sql.Render(await Sql.ScalarAsync(plain, "SELECT 1/3"))); return seen; }),
            Task.Run(async () => { var seen = new HashSet<string>(); for (var i = 0; i < reads; i++) seen.Add(Sql.Render(await Sql.ScalarAsync(precise, "SELECT 1/3"))); return seen; }));

        Assert.Equal(["0.3333"], answers[0]);
        Assert.Equal(["0.333333333"], answers[1]);
        Assert.Equal(before + 2 * reads, LaneAnswers(server));
    }

    [Fact]
    public async Task LanesLeaveHalfOfASmallPoolToTheReadsThatCannotUseThem()
    {
        // Two connections per replica: one may become a lane, the other stays for everything else.
        await using var server = await ReplicatedProxyFixture.StartAsync(c => c with
        {
            Pool = c.Pool with { MaxConnectionsPerBackend = 2, WaitTimeout = TimeSpan.FromSeconds(2) },
            Routing = c.Routing with { PipelinedLanes = 1 },
        });
        var through = Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app");
        var clients = new List<MySqlConnection>();
        try
        {
            // Three sessions with settings of their own: three lane keys, room for one lane per replica only.
            foreach (var increment in new[] { 5, 6, 7 })
            {
                var client = new MySqlConnection(through);
                await client.OpenAsync();
                await Sql.ExecuteAsync(client, $"SET SESSION div_precision_increment = {increment}");
                clients.Add(client);
            }
            for (var round = 0; round < 20; round++)
            {
                for (var i = 0; i < clients.Count; i++)
                    Assert.Equal("0." + new string('3', 5 + i), Sql.Render(await Sql.ScalarAsync(clients[i], "SELECT 1/3")));
            }
            Assert.True(LaneAnswers(server) > 0, "no read used a lane");
            Assert.Equal(2, OpenLanes(server));
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReadsOfAPinnedSessionStayOnItsOwnConnection()
    {
        await using var server = await StartAsync();
        await using var connection = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app", "Allow User Variables=true;"));
        await connection.OpenAsync();
        await WarmUpAsync(server, connection);

        await Sql.ExecuteAsync(connection, "SET @mine = 42"); // user variables pin the session to its connection
        var before = LaneAnswers(server);
        for (var i = 0; i < 10; i++)
            Assert.Equal(42L, Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT @mine")));
        Assert.Equal(before, LaneAnswers(server));
    }

    [Fact]
    public async Task AClientThatStopsReadingItsAnswerIsCutOffAndTheReadsQueuedBehindItGoOn()
    {
        await using var server = await StartAsync(stallTimeout: TimeSpan.FromMilliseconds(500));
        var port = server.MySqlEndPoint.Port;
        // Raw clients share one capability profile, so they share the lanes; the first reads open them.
        await using var victim = await RawMySqlClient.LoginAsync(port, "app", "app");
        await WarmUpAsync(server, victim);

        await using var stalled = await RawMySqlClient.LoginAsync(port, "app", "app");
        var before = LaneAnswers(server);
        // 64 MiB, far more than the sockets buffer; the client never reads any of it.
        await stalled.QueryAsync("SELECT REPEAT('x', 67108864)");
        // The victim's reads start once the stalled read is on a lane, so that the ones sent to that lane queue behind it.
        await Poll.UntilAsync(() => Task.FromResult(Waiting(server) == 1), TimeSpan.FromSeconds(10), "the stalled read waits on a lane");

        var started = DateTime.UtcNow;
        for (var i = 0; i < 20; i++)
        {
            await victim.QueryAsync($"SELECT {i}");
            var (rows, _) = await victim.ReadTextResultAsync().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(i.ToString(), Assert.Single(rows)[0]);
        }
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), $"the reads took {DateTime.UtcNow - started}");
        // The stalled client's read was on a lane (answered there, to nobody), and its session was closed.
        Assert.True(LaneAnswers(server) >= before + 21);
        Assert.True(await stalled.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "the stalled client was disconnected");
        await Poll.UntilAsync(() => Task.FromResult(server.ActiveSessions == 1), TimeSpan.FromSeconds(5), "only the victim's session is left");
    }
}
