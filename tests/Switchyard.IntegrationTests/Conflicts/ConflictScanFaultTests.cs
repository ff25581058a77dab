using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Conflicts;
using static Switchyard.IntegrationTests.Conflicts.ConflictSupport;

namespace Switchyard.IntegrationTests.Conflicts;

/// <summary>A scan never says "no conflicts" about what it could not compare, and never calls a change still
/// replicating a conflict.</summary>
public sealed class ConflictScanFaultTests
{
    [Fact]
    public async Task ANodeKilledMidScanMakesTheScanIncompleteAndAScanWithoutItToo()
    {
        await using var pair = await MultiPrimaryPair.StartAsync();
        await SetUpAsync(pair, """
            CREATE TABLE test.big (id INT PRIMARY KEY, v VARCHAR(20));
            INSERT INTO test.big SELECT seq, CONCAT('row', seq) FROM test.seq_1_to_3000;
            """);
        var yaml = Yaml(pair, """
            chunk_size: 100
            tables:
              - name: test.big
                key: id
            """);
        await using var scanner = Scanner(yaml);
        scanner.RangeChecked = async (_, range) =>
        {
            if (range == 5)
                await pair.Writers[1].KillAsync();
        };

        var report = await scanner.ScanAsync(repair: false, "test", CancellationToken.None);
        var output = new StringWriter();
        using var loggers = Microsoft.Extensions.Logging.LoggerFactory.Create(_ => { });
        var exit = await ConflictCli.RunAsync(Proxy.Configuration.ConfigLoader.LoadYaml(yaml, "test"), repair: false, output, loggers, CancellationToken.None);

        Assert.False(report.Complete);
        Assert.Contains(report.IncompleteReasons, r => r.Contains("writer2 went away during table test.big", StringComparison.Ordinal));
        Assert.NotNull(report.Tables[0].Error);
        Assert.InRange(report.RowsCompared, 1, 2999);
        Assert.Equal(ConflictCli.Incomplete, exit);
        Assert.Contains("scan INCOMPLETE: node writer2 is unreachable", output.ToString());
    }

    [Fact]
    public async Task AChangeStillReplicatingIsWaitedForNotReportedAndAScanThatCannotWaitIsIncomplete()
    {
        await using var pair = await MultiPrimaryPair.StartAsync();
        await SetUpAsync(pair, """
            CREATE TABLE test.flight (id INT PRIMARY KEY, v VARCHAR(20));
            INSERT INTO test.flight VALUES (1, 'old');
            """);
        // writer2 applies writer1's events 2 s late: a change made now is in flight when the scan starts.
        await Sql.ExecuteAsync(pair.Writers[1].Root(), "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 2; START SLAVE");
        await Sql.ExecuteAsync(pair.Writers[0].Root(), "UPDATE test.flight SET v = 'new' WHERE id = 1");
        var inFlight = (await RowsAsync(pair.Writers[1], "test.flight"))[0][1];
        await using var patient = Scanner(Yaml(pair, """
            replication_wait: 20s
            tables:
              - name: test.flight
                key: id
            """));
        await using var hasty = Scanner(Yaml(pair, """
            replication_wait: 100ms
            tables:
              - name: test.flight
                key: id
            """));

        var waited = await patient.ScanAsync(repair: false, "test", CancellationToken.None);
        await Sql.ExecuteAsync(pair.Writers[0].Root(), "UPDATE test.flight SET v = 'newer' WHERE id = 1");
        var hurried = await hasty.ScanAsync(repair: true, "test", CancellationToken.None);

        Assert.Equal("old", inFlight);
        Assert.True(waited.Complete, string.Join("; ", waited.IncompleteReasons));
        Assert.Empty(waited.Tables[0].Diverged);
        Assert.False(hurried.Complete);
        Assert.Contains(hurried.IncompleteReasons, r => r.Contains("writer2 had not applied writer1's position", StringComparison.Ordinal));
        Assert.NotNull(hurried.Tables[0].Unsettled);
    }
}
