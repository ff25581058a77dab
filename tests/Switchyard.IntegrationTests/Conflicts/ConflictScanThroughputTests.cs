using System.Diagnostics;
using System.Globalization;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;
using Xunit.Abstractions;
using static Switchyard.IntegrationTests.Conflicts.ConflictSupport;

namespace Switchyard.IntegrationTests.Conflicts;

/// <summary>
/// Measures (prints, never asserts timings) how fast a scan compares 100,000 rows and what it costs the servers: CPU
/// time of each mariadbd from /proc/PID/stat and its Handler_read_* counters, for an identical table and for one with
/// 100 diverged rows (and their repair).
/// </summary>
public sealed class ConflictScanThroughputTests(ITestOutputHelper output)
{
    private const int Rows = 100_000;

    [Fact]
    public async Task ScanningOneHundredThousandRowsIsMeasured()
    {
        await using var pair = await MultiPrimaryPair.StartAsync();
        await SetUpAsync(pair, $"""
            CREATE TABLE test.orders (id INT PRIMARY KEY, customer VARCHAR(40), amount DECIMAL(10,2), status VARCHAR(10), modified DATETIME(6));
            INSERT INTO test.orders SELECT seq, CONCAT('customer-', seq MOD 977), seq / 7, 'open', '2026-01-01 00:00:00' FROM test.seq_1_to_{Rows};
            """);
        foreach (var chunk in new[] { 1000, 10_000 })
        {
            await using var scanner = Scanner(Table(pair, chunk));
            var (report, load) = await MeasureAsync(pair, () => scanner.ScanAsync(repair: false, "measure", CancellationToken.None));
            Assert.True(report.Complete, string.Join("; ", report.IncompleteReasons));
            Assert.Equal(Rows, report.RowsCompared);
            Assert.Empty(report.Tables[0].Diverged);
            Print($"identical, chunk_size {chunk}", report.RowsCompared, load);
        }

        // 100 rows changed on writer2 only (never replicated): found by range checksums, then row by row.
        await Sql.ExecuteAsync(pair.Writers[1].Root(), "SET SESSION sql_log_bin = 0; UPDATE test.orders SET status = 'diverged', modified = '2026-01-02 00:00:00' WHERE id MOD 1000 = 0");
        await using (var scanner = Scanner(Table(pair, 1000)))
        {
            var (detected, load) = await MeasureAsync(pair, () => scanner.ScanAsync(repair: false, "measure", CancellationToken.None));
            Assert.Equal(100, detected.DivergedRows);
            Print("100 diverged, chunk_size 1000, detect", detected.RowsCompared, load);
            var (repaired, repairLoad) = await MeasureAsync(pair, () => scanner.ScanAsync(repair: true, "measure", CancellationToken.None));
            Assert.Equal(0, repaired.RemainingRows);
            Print("100 diverged, chunk_size 1000, detect + repair", repaired.RowsCompared, repairLoad);
        }
    }

    private static string Table(MultiPrimaryPair pair, int chunk) => Yaml(pair, $"""
        chunk_size: {chunk}
        tables:
          - name: test.orders
            key: id
            strategy: last-write-wins
            timestamp_column: modified
        """);

    private void Print(string scenario, long rows, Load load) => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{scenario}: {rows} rows in {load.Elapsed.TotalMilliseconds:0} ms = {rows / load.Elapsed.TotalSeconds:0} rows/s; " +
        $"mariadbd CPU writer1 {load.Cpu[0]:0.00} s, writer2 {load.Cpu[1]:0.00} s; Handler_read_* writer1 {load.HandlerReads[0]}, writer2 {load.HandlerReads[1]}"));

    private sealed record Load(TimeSpan Elapsed, double[] Cpu, long[] HandlerReads);

    private static async Task<(T, Load)> MeasureAsync<T>(MultiPrimaryPair pair, Func<Task<T>> scan)
    {
        var cpu = pair.Writers.Select(w => CpuSeconds(w.ProcessId)).ToArray();
        var reads = new long[2];
        for (var i = 0; i < 2; i++)
            reads[i] = await HandlerReadsAsync(pair.Writers[i]);
        var watch = Stopwatch.StartNew();
        var result = await scan();
        watch.Stop();
        var cpuAfter = pair.Writers.Select(w => CpuSeconds(w.ProcessId)).ToArray();
        var readsAfter = new long[2];
        for (var i = 0; i < 2; i++)
            readsAfter[i] = await HandlerReadsAsync(pair.Writers[i]);
        return (result, new Load(watch.Elapsed, [cpuAfter[0] - cpu[0], cpuAfter[1] - cpu[1]], [readsAfter[0] - reads[0], readsAfter[1] - reads[1]]));
    }

    /// <summary>utime + stime of the process (fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static async Task<long> HandlerReadsAsync(PrivateMariaDb writer)
    {
        await using var connection = new MySqlConnection(writer.Root());
        await connection.OpenAsync();
        var rows = await Sql.RowsAsync(connection, "SHOW GLOBAL STATUS LIKE 'Handler_read%'");
        return rows.Sum(r => long.Parse(r[1], CultureInfo.InvariantCulture));
    }
}
