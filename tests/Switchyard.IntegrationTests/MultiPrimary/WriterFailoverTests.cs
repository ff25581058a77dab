using System.Collections.Concurrent;
using System.Diagnostics;
using MySqlConnector;
using Switchyard.IntegrationTests.Configuration;
using Switchyard.IntegrationTests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Switchyard.IntegrationTests.MultiPrimary;

/// <summary>The active writer of two circular-replicating writers is killed: writes move on, nothing is applied twice,
/// and no writer at all is a clear error.</summary>
public sealed class WriterFailoverTests(ITestOutputHelper output)
{
    private const int MonitorIntervalMs = 200;

    [Fact]
    public async Task KillingTheActiveWriterUnderLoadMovesWritesToTheOtherWriterAndAppliesNoWriteTwice()
    {
        await using var pair = await MultiPrimaryPair.StartAsync();
        var (first, second) = (pair.Writers[0], pair.Writers[1]);
        await Sql.ExecuteAsync(first.Root(), "CREATE TABLE test.tokens (id BIGINT AUTO_INCREMENT PRIMARY KEY, token VARCHAR(40) NOT NULL, origin INT NOT NULL, KEY (token))");
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        // Manual failback: writes must stay on the second writer when the first comes back for the final check.
        await using var proxy = await ReloadableProxy.StartAsync(pair.ProxyYaml("kind: multi-primary\nfailback: manual", $"{MonitorIntervalMs}ms"));

        var acknowledged = new ConcurrentBag<(string Token, long At)>();
        var unknown = new ConcurrentBag<string>();
        var otherErrors = new ConcurrentBag<string>();
        long killedAt = 0;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 6).Select(client => Task.Run(async () =>
        {
            MySqlConnection? connection = null;
            for (var n = 0; !stop.IsCancellationRequested && n < 100_000; n++)
            {
                var token = $"c{client}-{n}";
                try
                {
                    if (connection is null)
                    {
                        connection = new MySqlConnection(proxy.Connection("Connection Timeout=5;Default Command Timeout=10;"));
                        await connection.OpenAsync();
                    }
                    await Sql.ExecuteAsync(connection, $"INSERT INTO test.tokens (token, origin) VALUES ('{token}', @@server_id)");
                    acknowledged.Add((token, Stopwatch.GetTimestamp()));
                }
                catch (MySqlException e)
                {
                    if (e.Message.Contains("write outcome unknown", StringComparison.Ordinal))
                        unknown.Add(token);
                    else
                        otherErrors.Add($"{token}: {e.ErrorCode} {e.Message}");
                    await connection!.DisposeAsync();
                    connection = null;
                }
            }
            if (connection is not null)
                await connection.DisposeAsync();
        })).ToList();

        await Poll.UntilAsync(() => Task.FromResult(acknowledged.Count >= 200), TimeSpan.FromSeconds(20), "the clients wrote 200 rows");
        await first.KillAsync();
        killedAt = Stopwatch.GetTimestamp();
        var before = acknowledged.Count;
        await Poll.UntilAsync(() => Task.FromResult(acknowledged.Count >= before + 300), TimeSpan.FromSeconds(30), "300 more writes after the kill");
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        await first.RestartAsync();
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(30));

        // Every row on both writers, by token.
        var rows = new List<Dictionary<string, (int Count, int Origin)>>();
        foreach (var writer in pair.Writers)
        {
            await using var connection = new MySqlConnection(writer.Root());
            await connection.OpenAsync();
            rows.Add((await Sql.RowsAsync(connection, "SELECT token, COUNT(*), MIN(origin) FROM test.tokens GROUP BY token"))
                .ToDictionary(r => r[0], r => (int.Parse(r[1]), int.Parse(r[2]))));
        }
        Assert.Equal(rows[0].OrderBy(r => r.Key), rows[1].OrderBy(r => r.Key));
        var stored = rows[0];
        Assert.All(acknowledged, a => Assert.True(stored.TryGetValue(a.Token, out var row) && row.Count == 1, $"acknowledged {a.Token} is stored {(stored.TryGetValue(a.Token, out var r) ? r.Count : 0)} times"));
        Assert.All(stored, s => Assert.Equal(1, s.Value.Count));
        Assert.All(stored.Keys, token => Assert.True(acknowledged.Any(a => a.Token == token) || unknown.Contains(token), $"{token} is stored but was neither acknowledged nor reported unknown"));

        // Failover time: the last write acknowledged from the first writer to the first from the second after the kill.
        var byOrigin = acknowledged.Select(a => (a.Token, a.At, stored[a.Token].Origin)).ToList();
        var lastOld = byOrigin.Where(a => a.Origin == 11).Max(a => a.At);
        var firstNew = byOrigin.Where(a => a.Origin == 12 && a.At > killedAt).Min(a => a.At);
        var failover = Stopwatch.GetElapsedTime(lastOld, firstNew);
        var afterKill = Stopwatch.GetElapsedTime(killedAt, firstNew);
        output.WriteLine($"failover: last write on writer1 -> first on writer2 {failover.TotalMilliseconds:0} ms; kill -> first write on writer2 {afterKill.TotalMilliseconds:0} ms; " +
            $"acknowledged {acknowledged.Count}, outcome unknown {unknown.Count}, other errors {otherErrors.Count}");
        foreach (var error in otherErrors.Take(5))
            output.WriteLine($"other error: {error}");
        // The bound: two monitor intervals, plus slack for a loaded machine.
        Assert.True(afterKill < TimeSpan.FromMilliseconds(2 * MonitorIntervalMs) + TimeSpan.FromSeconds(3), $"first write on writer2 came {afterKill.TotalMilliseconds:0} ms after the kill");
        Assert.DoesNotContain(otherErrors, e => !e.Contains("writer", StringComparison.Ordinal));
        Assert.Equal("writer2", await WriterProbe.ActiveWriterAsync(proxy.Server));
        var samples = await MetricsScrape.ScrapeAsync(proxy.Server);
        Assert.Equal(1, samples.Value("switchyard_writer_failovers_total{from=\"writer1\",to=\"writer2\",reason=\"failover\"}"));
        Assert.Equal(1, samples.Value("switchyard_active_writer{backend=\"writer2\"}"));
        Assert.Equal(unknown.Count, samples.Value("switchyard_write_outcome_unknown_total{backend=\"writer1\"}"));
        Assert.Contains(proxy.Logs, line => line.Contains("Active writer changed from writer1 to writer2 (failover)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithEveryWriterDownAWriteGetsAnErrorNamingEachWriterAndWhy()
    {
        await using var pair = await MultiPrimaryPair.StartAsync();
        await using var proxy = await ReloadableProxy.StartAsync(pair.ProxyYaml("kind: multi-primary"));
        await using var connection = new MySqlConnection(proxy.Connection());
        await connection.OpenAsync();
        await Sql.ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS test.t (id INT)");

        foreach (var writer in pair.Writers)
            await writer.KillAsync();
        var error = await Assert.ThrowsAsync<MySqlException>(() => Sql.ExecuteAsync(connection, "INSERT INTO test.t VALUES (1)"));

        output.WriteLine(error.Message);
        Assert.StartsWith("Switchyard: no writer can take writes: ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'writer1' (127.0.0.1:{pair.Writers[0].Port}) ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'writer2' (127.0.0.1:{pair.Writers[1].Port}) ", error.Message, StringComparison.Ordinal);
        Assert.Equal(2003, error.Number);
        // And /status says so too.
        await Poll.UntilAsync(async () => await WriterProbe.ActiveWriterAsync(proxy.Server) is null, TimeSpan.FromSeconds(5), "/status shows no active writer");
    }

    [Fact]
    public async Task FreezingTheActiveWriterMovesWritesOnAndAStatementStuckOnItIsNeverRetried()
    {
        await using var pair = await MultiPrimaryPair.StartAsync();
        await Sql.ExecuteAsync(pair.Writers[0].Root(), "CREATE TABLE test.frozen (id INT PRIMARY KEY)");
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        await using var proxy = await ReloadableProxy.StartAsync(pair.ProxyYaml("kind: multi-primary\nfailback: manual", $"{MonitorIntervalMs}ms"));
        await using var connection = new MySqlConnection(proxy.Connection());
        await connection.OpenAsync();
        await Sql.ExecuteAsync(connection, "INSERT INTO test.frozen VALUES (1)");

        await pair.Writers[0].FreezeAsync();
        var started = Stopwatch.GetTimestamp();
        // Sent on a pooled connection the frozen server never answers: the monitor's timed-out check marks it down and
        // aborts it; the statement is not sent again (it may have been applied).
        string outcome;
        try
        {
            await Sql.ExecuteAsync(connection, "INSERT INTO test.frozen VALUES (2)");
            outcome = $"applied on {await WriterProbe.WriterOfNextWriteAsync(proxy.Connection())}";
        }
        catch (MySqlException e)
        {
            outcome = e.Message;
        }
        output.WriteLine($"the write sent as the writer froze: {outcome} after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");
        Assert.True(outcome.StartsWith("Switchyard: write outcome unknown: the connection to writer 'writer1'", StringComparison.Ordinal) || outcome == "applied on 12", outcome);
        Assert.Equal(12, await WriterProbe.WriterOfNextWriteAsync(proxy.Connection()));

        await pair.Writers[0].ThawAsync();
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(30));
        // Whatever the client was told, the row is on both writers at most once (never retried on writer2 as well).
        foreach (var writer in pair.Writers)
            Assert.InRange(Convert.ToInt64(await Sql.ScalarAsync(writer.Root(), "SELECT COUNT(*) FROM test.frozen WHERE id = 2")), 0, 1);
    }
}
