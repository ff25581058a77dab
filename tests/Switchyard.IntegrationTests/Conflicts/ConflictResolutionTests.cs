using Switchyard.IntegrationTests.Configuration;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Conflicts;
using static Switchyard.IntegrationTests.Conflicts.ConflictSupport;

namespace Switchyard.IntegrationTests.Conflicts;

/// <summary>Real divergence between two writers, detected and resolved by each strategy: afterwards every node holds the
/// strategy's winner, a second scan finds nothing, and the repair wrote nothing to any binlog.</summary>
public sealed class ConflictResolutionTests(ConflictPairFixture fixture) : IClassFixture<ConflictPairFixture>
{
    private MultiPrimaryPair Pair => fixture.Pair;

    [Fact]
    public async Task LastWriteWinsRepairLeavesEveryNodeWithTheLatestVersionWithoutWritingToAnyBinlog()
    {
        await SetUpAsync(Pair, """
            CREATE TABLE test.lww (id INT PRIMARY KEY, name VARCHAR(20), modified DATETIME(6));
            INSERT INTO test.lww VALUES (1, 'original', '2026-01-01 00:00:00'), (2, 'untouched', '2026-01-01 00:00:00');
            """);
        await DivergeAsync(Pair,
            "UPDATE test.lww SET name = 'from-writer1', modified = '2026-01-01 10:00:05' WHERE id = 1",
            "UPDATE test.lww SET name = 'from-writer2', modified = '2026-01-01 10:00:01' WHERE id = 1");
        // The silent divergence: each writer ends with the other's version.
        Assert.Equal("from-writer2", (await RowsAsync(Pair.Writers[0], "test.lww"))[0][1]);
        Assert.Equal("from-writer1", (await RowsAsync(Pair.Writers[1], "test.lww"))[0][1]);
        await using var scanner = Scanner(Yaml(Pair, """
            tables:
              - name: test.lww
                key: id
                strategy: last-write-wins
                timestamp_column: modified
            """));

        var detected = await scanner.ScanAsync(repair: false, "test", CancellationToken.None);
        var binlogs = new[] { await BinlogAsync(Pair.Writers[0]), await BinlogAsync(Pair.Writers[1]) };
        var repaired = await scanner.ScanAsync(repair: true, "test", CancellationToken.None);
        var binlogsAfterRepair = new[] { await BinlogAsync(Pair.Writers[0]), await BinlogAsync(Pair.Writers[1]) };
        await Pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        var second = await scanner.ScanAsync(repair: false, "test", CancellationToken.None);

        Assert.True(detected.Complete, string.Join("; ", detected.IncompleteReasons));
        var found = Assert.Single(detected.Tables[0].Diverged);
        Assert.Equal("1", found.Key);
        Assert.Equal(RepairState.NotRequested, found.Repair);
        Assert.Equal(1, found.Resolution.WinningNode); // writer2 holds writer1's later write
        var fixedRow = Assert.Single(repaired.Tables[0].Diverged);
        Assert.Equal(RepairState.Verified, fixedRow.Repair);
        Assert.Equal(["writer1"], fixedRow.RepairedOn);
        Assert.Equal(binlogs, binlogsAfterRepair);
        Assert.True(second.Complete);
        Assert.Empty(second.Tables[0].Diverged);
        Assert.Equal(2, second.RowsCompared);
        foreach (var writer in Pair.Writers)
        {
            Assert.Equal([["1", "from-writer1", "2026-01-01 10:00:05.000000"], ["2", "untouched", "2026-01-01 00:00:00.000000"]],
                await RowsAsync(writer, "test.lww"));
        }
    }

    [Fact]
    public async Task VectorClockDominatingVersionWinsAndConcurrentVersionsAreFlaggedAndSettledByTheFallback()
    {
        await SetUpAsync(Pair, """
            CREATE TABLE test.vc (id INT PRIMARY KEY, name VARCHAR(20), vclock JSON, modified DATETIME(6));
            INSERT INTO test.vc VALUES (1, 'v1', '{"11": 1, "12": 1}', '2026-01-01 00:00:00'), (2, 'v1', '{"11": 1, "12": 1}', '2026-01-01 00:00:00');
            """);
        // Row 1: a write on writer1 that never replicated (its vector dominates, though its timestamp is older).
        // Row 2: both writers count a write of their own at the same moment: concurrent vectors.
        await DivergeAsync(Pair,
            """
            SET SESSION sql_log_bin = 0;
            UPDATE test.vc SET name = 'only-on-writer1', vclock = '{"11": 2, "12": 1}', modified = '2025-12-31 00:00:00' WHERE id = 1;
            SET SESSION sql_log_bin = 1;
            UPDATE test.vc SET name = 'w1-concurrent', vclock = '{"11": 2, "12": 1}', modified = '2026-01-01 10:00:05' WHERE id = 2;
            """,
            """UPDATE test.vc SET name = 'w2-concurrent', vclock = '{"11": 1, "12": 2}', modified = '2026-01-01 10:00:01' WHERE id = 2""");
        await using var scanner = Scanner(Yaml(Pair, """
            tables:
              - name: test.vc
                key: id
                strategy: vector-clock
                version_column: vclock
                fallback: last-write-wins
                timestamp_column: modified
            """));

        var repaired = await scanner.ScanAsync(repair: true, "test", CancellationToken.None);
        await Pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        var second = await scanner.ScanAsync(repair: false, "test", CancellationToken.None);

        Assert.True(repaired.Complete, string.Join("; ", repaired.IncompleteReasons));
        var rows = repaired.Tables[0].Diverged;
        Assert.Equal(["1", "2"], rows.Select(r => r.Key));
        Assert.False(rows[0].Resolution.Concurrent);
        Assert.Equal(0, rows[0].Resolution.WinningNode);
        Assert.True(rows[1].Resolution.Concurrent);
        Assert.Contains("fallback last-write-wins", rows[1].Resolution.Reason);
        Assert.All(rows, r => Assert.Equal(RepairState.Verified, r.Repair));
        Assert.Empty(second.Tables[0].Diverged);
        foreach (var writer in Pair.Writers)
        {
            Assert.Equal(
                [
                    ["1", "only-on-writer1", """{"11": 2, "12": 1}""", "2025-12-31 00:00:00.000000"],
                    ["2", "w1-concurrent", """{"11": 2, "12": 2}""", "2026-01-01 10:00:05.000000"],
                ],
                await RowsAsync(writer, "test.vc"));
        }
    }

    [Fact]
    public async Task MergeTakesEachFieldFromTheVersionThatChangedItLastAndCopiesMissingRows()
    {
        await SetUpAsync(Pair, """
            CREATE TABLE test.profile (id INT PRIMARY KEY, email VARCHAR(40), email_at DATETIME(6), points INT, points_at DATETIME(6));
            INSERT INTO test.profile VALUES (1, 'old@example', '2026-01-01 00:00:00', 1, '2026-01-01 00:00:00');
            """);
        // writer1 changes the email, writer2 the points; full row images cross, so each node loses the other's field.
        // Row 3 was written on writer2 only (never replicated).
        await DivergeAsync(Pair,
            "UPDATE test.profile SET email = 'new@example', email_at = '2026-01-01 10:00:00' WHERE id = 1",
            """
            UPDATE test.profile SET points = 50, points_at = '2026-01-01 10:00:01' WHERE id = 1;
            SET SESSION sql_log_bin = 0;
            INSERT INTO test.profile VALUES (3, 'three@example', '2026-01-01 00:00:00', 3, '2026-01-01 00:00:00');
            """);
        await using var scanner = Scanner(Yaml(Pair, """
            tables:
              - name: test.profile
                key: id
                strategy: merge
                merge:
                  email: latest:email_at
                  points: latest:points_at
            """));

        var repaired = await scanner.ScanAsync(repair: true, "test", CancellationToken.None);
        await Pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        var second = await scanner.ScanAsync(repair: false, "test", CancellationToken.None);

        Assert.True(repaired.Complete, string.Join("; ", repaired.IncompleteReasons));
        Assert.Equal(["1", "3"], repaired.Tables[0].Diverged.Select(r => r.Key));
        Assert.All(repaired.Tables[0].Diverged, r => Assert.Equal(RepairState.Verified, r.Repair));
        Assert.Empty(second.Tables[0].Diverged);
        foreach (var writer in Pair.Writers)
        {
            Assert.Equal(
                [
                    ["1", "new@example", "2026-01-01 10:00:00.000000", "50", "2026-01-01 10:00:01.000000"],
                    ["3", "three@example", "2026-01-01 00:00:00.000000", "3", "2026-01-01 00:00:00.000000"],
                ],
                await RowsAsync(writer, "test.profile"));
        }
    }

    [Fact]
    public async Task AVersionColumnOfTheWrongTypeIsReportedForThatTableAndTheScanIsIncomplete()
    {
        await SetUpAsync(Pair, """
            CREATE TABLE test.badtype (id INT PRIMARY KEY, vclock INT, modified DATETIME(6));
            CREATE TABLE test.goodtype (id INT PRIMARY KEY, v INT);
            INSERT INTO test.goodtype VALUES (1, 1);
            """);
        var yaml = Yaml(Pair, """
            tables:
              - name: test.badtype
                key: id
                strategy: vector-clock
                version_column: vclock
                timestamp_column: modified
              - name: test.goodtype
                key: id
              - name: test.nosuchtable
                key: id
            """);
        await using var scanner = Scanner(yaml);

        var report = await scanner.ScanAsync(repair: false, "test", CancellationToken.None);
        var checkOutput = new StringWriter();
        var checkProblems = await ConflictCli.CheckSchemaAsync(Proxy.Configuration.ConfigLoader.LoadYaml(yaml, "test"), checkOutput, CancellationToken.None);

        // The whole output in the message: Assert.Contains shows only its first 40 characters, which hid why goodtype
        // was once not reported ok in a full-suite run.
        var check = checkOutput.ToString();
        Assert.True(checkProblems == 2, $"{checkProblems} problems; --check-config printed:\n{check}");
        Assert.True(check.Contains("version_column 'vclock' is int; a vector clock needs a JSON or text column", StringComparison.Ordinal), check);
        Assert.True(check.Contains("test.goodtype ok on writer1, writer2", StringComparison.Ordinal), check);
        Assert.False(report.Complete);
        Assert.Contains("version_column 'vclock' is int", report.Tables[0].Error);
        Assert.Null(report.Tables[1].Error);
        Assert.Equal(1, report.Tables[1].RowsCompared);
        Assert.Contains("does not exist", report.Tables[2].Error);
        Assert.Equal(2, report.IncompleteReasons.Count);
    }

    [Fact]
    public async Task ConflictsAreReportedOverHttpInTheMetricsAndTheLogAndReportOnlyRowsAreLeftAlone()
    {
        await SetUpAsync(Pair, """
            CREATE TABLE test.reported (id INT PRIMARY KEY, v VARCHAR(20));
            INSERT INTO test.reported VALUES (1, 'original'), (2, 'same');
            """);
        await DivergeAsync(Pair, "UPDATE test.reported SET v = 'w1' WHERE id = 1", "UPDATE test.reported SET v = 'w2' WHERE id = 1");
        await using var proxy = await ReloadableProxy.StartAsync(Yaml(Pair, """
            tables:
              - name: test.reported
                key: id
                strategy: report-only
            """));
        using var http = new HttpClient();
        var endpoint = $"http://{proxy.Server.HttpEndPoint}";

        var before = await http.GetStringAsync($"{endpoint}/conflicts");
        using var scan = await http.PostAsync($"{endpoint}/conflicts/scan?repair=true", null);
        var scanned = await scan.Content.ReadAsStringAsync();
        var last = await http.GetStringAsync($"{endpoint}/conflicts");
        var metrics = await MetricsScrape.ScrapeAsync(proxy.Server);

        Assert.Contains("\"last_scan\": null", before);
        Assert.Equal(System.Net.HttpStatusCode.OK, scan.StatusCode);
        using var document = System.Text.Json.JsonDocument.Parse(last);
        var report = document.RootElement.GetProperty("last_scan");
        Assert.True(report.GetProperty("complete").GetBoolean(), last);
        var table = report.GetProperty("tables")[0];
        Assert.Equal("test.reported", table.GetProperty("table").GetString());
        Assert.Equal(2, table.GetProperty("rows_compared").GetInt64());
        var row = table.GetProperty("diverged").EnumerateArray().Single();
        Assert.Equal("1", row.GetProperty("key").GetString());
        Assert.Equal("w2", row.GetProperty("versions").GetProperty("writer1").GetProperty("v").GetString());
        Assert.Equal("w1", row.GetProperty("versions").GetProperty("writer2").GetProperty("v").GetString());
        Assert.Equal("report-only", row.GetProperty("repair").GetString());
        Assert.Contains("\"key\": \"1\"", scanned);
        Assert.Equal(1, metrics.Value("switchyard_conflict_rows{table=\"test.reported\"}"));
        Assert.Equal(1, metrics.Value("switchyard_conflicts_detected_total{table=\"test.reported\"}"));
        Assert.Equal(1, metrics.Value("switchyard_conflict_scans_total{result=\"complete\"}"));
        Assert.Contains(proxy.Logs, line => line.Contains("Conflict in test.reported key 1", StringComparison.Ordinal));
        Assert.Equal("w2", (await RowsAsync(Pair.Writers[0], "test.reported"))[0][1]);
        Assert.Equal("w1", (await RowsAsync(Pair.Writers[1], "test.reported"))[0][1]);
    }

    [Fact]
    public async Task TheCliPrintsTheConflictsExitsThreeWhileTheyRemainAndZeroOnceRepaired()
    {
        await SetUpAsync(Pair, """
            CREATE TABLE test.cli (id INT PRIMARY KEY, v VARCHAR(20), modified DATETIME(6));
            INSERT INTO test.cli VALUES (7, 'original', '2026-01-01 00:00:00');
            """);
        await DivergeAsync(Pair,
            "UPDATE test.cli SET v = 'w1', modified = '2026-01-01 10:00:00' WHERE id = 7",
            "UPDATE test.cli SET v = 'w2', modified = '2026-01-01 10:00:00' WHERE id = 7");
        var config = Proxy.Configuration.ConfigLoader.LoadYaml(Yaml(Pair, """
            tables:
              - name: test.cli
                key: id
                strategy: last-write-wins
                timestamp_column: modified
            """), "test");
        using var loggers = Microsoft.Extensions.Logging.LoggerFactory.Create(_ => { });

        var (detectExit, detectOutput) = await CliAsync(config, repair: false, loggers);
        var (repairExit, repairOutput) = await CliAsync(config, repair: true, loggers);
        await Pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        var (cleanExit, cleanOutput) = await CliAsync(config, repair: false, loggers);

        Assert.Equal(ConflictCli.ConflictsRemain, detectExit);
        Assert.Contains("key 7", detectOutput);
        Assert.Contains("writer1: id=7, v=w2", detectOutput);
        Assert.Contains("writer2: id=7, v=w1", detectOutput);
        // Equal timestamps: the tie goes to the earlier node, writer1 (which holds writer2's write).
        Assert.Contains("tied", detectOutput);
        Assert.Equal(ConflictCli.Clean, repairExit);
        Assert.Contains("repair verified", repairOutput);
        Assert.Equal(ConflictCli.Clean, cleanExit);
        Assert.Contains("0 diverged", cleanOutput);
        foreach (var writer in Pair.Writers)
            Assert.Equal([["7", "w2", "2026-01-01 10:00:00.000000"]], await RowsAsync(writer, "test.cli"));
    }

    [Fact]
    public async Task ARepairByAUserWhoMayNotSkipTheBinlogWritesNothingAndSaysWhichRightIsMissing()
    {
        await SetUpAsync(Pair, """
            CREATE TABLE test.noprivs (id INT PRIMARY KEY, v VARCHAR(20), modified DATETIME(6));
            INSERT INTO test.noprivs VALUES (1, 'original', '2026-01-01 00:00:00');
            """);
        await DivergeAsync(Pair,
            "UPDATE test.noprivs SET v = 'w1', modified = '2026-01-01 10:00:05' WHERE id = 1",
            "UPDATE test.noprivs SET v = 'w2', modified = '2026-01-01 10:00:01' WHERE id = 1");
        // app may SELECT, INSERT and UPDATE, but has neither SUPER nor BINLOG ADMIN.
        await using var scanner = Scanner(Yaml(Pair, """
            user: app
            password: app
            tables:
              - name: test.noprivs
                key: id
                strategy: last-write-wins
                timestamp_column: modified
            """));

        var report = await scanner.ScanAsync(repair: true, "test", CancellationToken.None);

        var row = Assert.Single(report.Tables[0].Diverged);
        Assert.Equal(RepairState.Failed, row.Repair);
        Assert.Contains("repair needs the right to SET sql_log_bin=0 (SUPER or BINLOG ADMIN)", row.RepairNote);
        Assert.Contains("user 'app' on writer1", row.RepairNote);
        Assert.Equal(1, report.RemainingRows);
        Assert.Equal("w2", (await RowsAsync(Pair.Writers[0], "test.noprivs"))[0][1]);
        Assert.Equal("w1", (await RowsAsync(Pair.Writers[1], "test.noprivs"))[0][1]);
    }

    [Fact]
    public async Task BackgroundScansRepairTablesWithAutoRepairAndOnlyThose()
    {
        await SetUpAsync(Pair, """
            CREATE TABLE test.auto (id INT PRIMARY KEY, v VARCHAR(20), modified DATETIME(6));
            CREATE TABLE test.manual (id INT PRIMARY KEY, v VARCHAR(20), modified DATETIME(6));
            INSERT INTO test.auto VALUES (1, 'original', '2026-01-01 00:00:00');
            INSERT INTO test.manual VALUES (1, 'original', '2026-01-01 00:00:00');
            """);
        await DivergeAsync(Pair,
            "UPDATE test.auto SET v = 'w1', modified = '2026-01-01 10:00:05' WHERE id = 1; UPDATE test.manual SET v = 'w1', modified = '2026-01-01 10:00:05' WHERE id = 1",
            "UPDATE test.auto SET v = 'w2', modified = '2026-01-01 10:00:01' WHERE id = 1; UPDATE test.manual SET v = 'w2', modified = '2026-01-01 10:00:01' WHERE id = 1");
        var yaml = Yaml(Pair, """
            tables:
              - name: test.auto
                key: id
                strategy: last-write-wins
                timestamp_column: modified
                auto_repair: true
              - name: test.manual
                key: id
                strategy: last-write-wins
                timestamp_column: modified
            """).Replace("scan_interval: off", "scan_interval: 200ms", StringComparison.Ordinal);
        await using var proxy = await ReloadableProxy.StartAsync(yaml);

        await Poll.UntilAsync(async () => (await RowsAsync(Pair.Writers[0], "test.auto"))[0][1] == "w1", TimeSpan.FromSeconds(20),
            "a background scan repaired test.auto on writer1");
        await Poll.UntilAsync(() => Task.FromResult(proxy.Server.Context.Conflicts!.Last?.Tables.All(t => t.Diverged.Count == (t.Table.Table == "manual" ? 1 : 0)) == true),
            TimeSpan.FromSeconds(20), "a background scan found test.auto clean and test.manual still diverged");

        foreach (var writer in Pair.Writers)
            Assert.Equal("w1", (await RowsAsync(writer, "test.auto"))[0][1]);
        Assert.Equal("w2", (await RowsAsync(Pair.Writers[0], "test.manual"))[0][1]);
        Assert.Equal("w1", (await RowsAsync(Pair.Writers[1], "test.manual"))[0][1]);
        Assert.Equal(RepairState.NotRequested, proxy.Server.Context.Conflicts!.Last!.Tables[1].Diverged[0].Repair);
    }

    private static async Task<(int Exit, string Output)> CliAsync(Proxy.Configuration.SwitchyardConfig config, bool repair, Microsoft.Extensions.Logging.ILoggerFactory loggers)
    {
        var output = new StringWriter();
        var exit = await ConflictCli.RunAsync(config, repair, output, loggers, CancellationToken.None);
        return (exit, output.ToString());
    }
}
