using System.Diagnostics;
using System.Text.RegularExpressions;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Routing;

/// <summary>sysbench's OLTP read/write mix through the proxy: transactions, prepared statements and reads on
/// replicas under 16 threads, with the data left consistent on every backend.</summary>
[Collection(ProxyCollection.Name)]
public sealed partial class SysbenchTests(ReplicatedProxyFixture proxy) : IClassFixture<ReplicatedProxyFixture>
{
    private const int Tables = 2, TableSize = 2000;

    [Fact]
    public async Task OltpReadWriteThroughTheProxyRunsWithoutErrorsAndKeepsTheTablesConsistent()
    {
        var db = $"sb_rw_{Guid.NewGuid():N}"[..20];
        await Sql.ExecuteAsync(Cluster.Root(), $"CREATE DATABASE `{db}`");
        try
        {
            var prepare = await SysbenchAsync(Cluster.PrimaryPort, "root", "", db, "prepare");
            Assert.True(prepare.ExitCode == 0, prepare.Output + prepare.Error);
            await Replication.WaitForReplicasAsync();

            var run = await SysbenchAsync(proxy.Port, "app", "app", db, "run", "--threads=16", "--time=8", "--db-ps-mode=auto", "--mysql-ignore-errors=1213,1205");

            Assert.True(run.ExitCode == 0, run.Output + run.Error);
            Assert.DoesNotContain("FATAL", run.Output + run.Error);
            var transactions = long.Parse(TransactionsLine().Match(run.Output).Groups[1].Value);
            var ignored = long.Parse(IgnoredErrorsLine().Match(run.Output).Groups[1].Value);
            Assert.True(transactions > 0, run.Output);
            // Deadlocks between threads are ignored by sysbench directly too; they must stay a small share.
            Assert.True(ignored <= transactions / 10 + 5, $"{ignored} ignored errors for {transactions} transactions:\n{run.Output}");

            await Replication.WaitForReplicasAsync();
            foreach (var port in Replication.AllPorts)
            {
                for (var t = 1; t <= Tables; t++)
                {
                    var count = Convert.ToInt64(await Sql.ScalarAsync(Replication.Root(port, db), $"SELECT COUNT(*) FROM sbtest{t}"));
                    Assert.True(count == TableSize, $"sbtest{t} on port {port} has {count} rows, not {TableSize}");
                }
            }
            var checksums = new List<string>();
            foreach (var port in Replication.AllPorts)
                checksums.Add(string.Join(",", (await RowsAsync(Replication.Root(port, db), "CHECKSUM TABLE sbtest1, sbtest2")).Select(r => r[1])));
            Assert.Single(checksums.Distinct());
        }
        finally
        {
            await Sql.ExecuteAsync(Cluster.Root(), $"DROP DATABASE IF EXISTS `{db}`");
        }
    }

    private static async Task<List<List<string>>> RowsAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        return await Sql.RowsAsync(connection, sql);
    }

    private static async Task<MariaDbCli.Result> SysbenchAsync(int port, string user, string password, string db, string command, params string[] options)
    {
        var start = new ProcessStartInfo("/usr/bin/sysbench") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["oltp_read_write", "--db-driver=mysql", $"--mysql-host={Cluster.Host}", $"--mysql-port={port}",
                     $"--mysql-user={user}", $"--mysql-password={password}", $"--mysql-db={db}", "--mysql-ssl=off",
                     $"--tables={Tables}", $"--table-size={TableSize}", .. options, command])
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"sysbench {command} did not finish within 60 s");
        }
        return new MariaDbCli.Result(process.ExitCode, await output, await error);
    }

    [GeneratedRegex(@"transactions:\s+(\d+)")]
    private static partial Regex TransactionsLine();

    [GeneratedRegex(@"ignored errors:\s+(\d+)")]
    private static partial Regex IgnoredErrorsLine();
}
