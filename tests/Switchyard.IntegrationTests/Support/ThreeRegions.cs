namespace Switchyard.IntegrationTests.Support;

/// <summary>
/// Three regions a, b, c, one private primary each (server ids 21–23, GTID domains 1–3), every primary replicating
/// the other two through named connections (multi-source, gtid-ignore-duplicates, as the notes verified). Distance
/// is a <see cref="DelayRelay"/>: the proxy runs in region a and reaches b's primary through one relay and c's
/// through another, and every replication link between two regions crosses a relay of their distance.
/// </summary>
internal sealed class ThreeRegions : IAsyncDisposable
{
    public static readonly string[] Names = ["a", "b", "c"];
    private readonly List<DelayRelay> _links = [];

    private ThreeRegions(PrivateMariaDb[] primaries, DelayRelay?[] fromProxy)
    {
        Primaries = primaries;
        FromProxy = fromProxy;
    }

    /// <summary>Region i's primary (0 = a, the proxy's own).</summary>
    public IReadOnlyList<PrivateMariaDb> Primaries { get; }
    /// <summary>How the proxy in region a reaches each region's primary: null for a (direct), else the relay.</summary>
    public IReadOnlyList<DelayRelay?> FromProxy { get; }

    /// <summary>The port the proxy uses for region <paramref name="index"/>'s primary.</summary>
    public int ProxyPort(int index) => FromProxy[index]?.Port ?? Primaries[index].Port;

    /// <summary>Starts the regions; <paramref name="oneWay"/>[i, j] is the one-way delay between regions i and j.</summary>
    public static async Task<ThreeRegions> StartAsync(TimeSpan[,] oneWay)
    {
        var primaries = new PrivateMariaDb[3];
        var started = new List<IAsyncDisposable>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                primaries[i] = await PrivateMariaDb.StartAsync(21 + i, Arguments(i));
                started.Add(primaries[i]);
            }
            var regions = new ThreeRegions(primaries,
                [null, new DelayRelay(primaries[1].Port, oneWay[0, 1], oneWay[1, 0]), new DelayRelay(primaries[2].Port, oneWay[0, 2], oneWay[2, 0])]);
            started.Clear();
            started.Add(regions);
            foreach (var primary in primaries)
                await Sql.ExecuteAsync(primary.Root(), MultiPrimaryPair.Users);
            for (var i = 0; i < 3; i++)
            {
                for (var j = 0; j < 3; j++)
                {
                    if (i == j)
                        continue;
                    var link = new DelayRelay(primaries[j].Port, oneWay[i, j], oneWay[j, i]);
                    regions._links.Add(link);
                    await Sql.ExecuteAsync(primaries[i].Root(), $"""
                        CHANGE MASTER 'r{Names[j]}' TO MASTER_HOST='127.0.0.1', MASTER_PORT={link.Port}, MASTER_USER='repl',
                          MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
                        """);
                }
                await Sql.ExecuteAsync(primaries[i].Root(), "START ALL SLAVES");
            }
            await regions.WaitConvergedAsync(TimeSpan.FromSeconds(30));
            return regions;
        }
        catch
        {
            foreach (var item in started)
                await item.DisposeAsync();
            throw;
        }
    }

    private static string[] Arguments(int index) =>
    [
        "--log-bin=mysql-bin", "--log-slave-updates", "--binlog-format=ROW", "--gtid-strict-mode=1", "--gtid-ignore-duplicates=1",
        "--relay-log=relay-bin", $"--gtid-domain-id={index + 1}", "--auto-increment-increment=3", $"--auto-increment-offset={index + 1}",
        "--innodb-flush-log-at-trx-commit=2", "--sync-binlog=0", "--log-bin-trust-function-creators=1",
    ];

    /// <summary>Waits until every primary has applied every other primary's binlog.</summary>
    public async Task WaitConvergedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var converged = true;
            foreach (var source in Primaries.Where(p => p.IsRunning))
            {
                var target = (string?)await Sql.ScalarAsync(source.Root(), "SELECT @@gtid_binlog_pos") ?? "";
                foreach (var replica in Primaries.Where(p => p != source && p.IsRunning))
                {
                    if (target.Length > 0 && Convert.ToInt64(await Sql.ScalarAsync(replica.Root(), $"SELECT MASTER_GTID_WAIT('{target}', 0.2)")) != 0)
                        converged = false;
                }
            }
            if (converged)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the regions did not converge within {timeout}:{Environment.NewLine}{await DescribeReplicationAsync()}");
        }
    }

    /// <summary>Each primary's binlog position and the state of its replication connections, for a failure message.</summary>
    private async Task<string> DescribeReplicationAsync()
    {
        var lines = new List<string>();
        for (var i = 0; i < Primaries.Count; i++)
        {
            if (!Primaries[i].IsRunning)
                continue;
            await using var connection = new MySqlConnector.MySqlConnection(Primaries[i].Root());
            await connection.OpenAsync();
            lines.Add($"{Names[i]}: gtid_binlog_pos={Sql.Render(await Sql.ScalarAsync(connection, "SELECT @@gtid_binlog_pos"))}");
            await using var command = new MySqlConnector.MySqlCommand("SHOW ALL SLAVES STATUS", connection);
            await using var reader = await command.ExecuteReaderAsync();
            string[] columns = ["Connection_name", "Slave_IO_Running", "Slave_SQL_Running", "Gtid_Slave_Pos", "Last_IO_Error", "Last_SQL_Error"];
            while (await reader.ReadAsync())
                lines.Add("  " + string.Join(" | ", columns.Select(column => $"{column}={Sql.Render(reader[column])}")));
        }
        return string.Join(Environment.NewLine, lines);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var link in _links)
            await link.DisposeAsync();
        foreach (var relay in FromProxy)
        {
            if (relay is not null)
                await relay.DisposeAsync();
        }
        foreach (var primary in Primaries)
            await primary.DisposeAsync();
    }
}
