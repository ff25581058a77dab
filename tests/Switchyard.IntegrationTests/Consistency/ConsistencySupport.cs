using MySqlConnector;
using Switchyard.IntegrationTests.Monitoring;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Hosting;

namespace Switchyard.IntegrationTests.Consistency;

/// <summary>
/// Replica 1 delayed by MASTER_DELAY=2 (replica 2 not delayed) for the tests of one class, restored — undelayed and
/// caught up — when they are done, since other tests share the replicas.
/// </summary>
public sealed class DelayedReplicaFixture : IAsyncLifetime
{
    public const int DelaySeconds = 2;

    public async Task InitializeAsync()
    {
        await Replication.WaitForReplicasAsync();
        await Sql.ExecuteAsync(Replication.Root(Cluster.Replica1Port), $"STOP SLAVE; CHANGE MASTER TO MASTER_DELAY={DelaySeconds}; START SLAVE");
    }

    public Task DisposeAsync() => MonitorSupport.RestoreReplicaAsync(Cluster.Replica1Port);
}

/// <summary>Starting proxies with a consistency configuration, and the table the tests write and read.</summary>
internal static class ConsistencySupport
{
    public const long Replica1 = 2, Replica2 = 3;

    /// <summary>A proxy in front of the whole cluster with a 200 ms monitor and the heartbeat on (so both replicas'
    /// lag is measured even while nothing is written).</summary>
    public static Task<SwitchyardServer> StartAsync(Func<ConsistencyConfig, ConsistencyConfig>? consistency = null,
        Func<SwitchyardConfig, SwitchyardConfig>? more = null) =>
        MonitorSupport.StartAsync(
            m => m with { Heartbeat = m.Heartbeat with { Enabled = true, Interval = TimeSpan.FromMilliseconds(100) } },
            c => (more ?? (x => x))(c with { Consistency = (consistency ?? (x => x))(c.Consistency) }));

    public static Func<ConsistencyConfig, ConsistencyConfig> UserScope(ReadYourWritesModeSetting mode, TimeSpan? window = null) =>
        c => c with { ReadYourWrites = c.ReadYourWrites with { Mode = mode, Scope = ReadYourWritesScope.User, TimeWindow = window ?? c.ReadYourWrites.TimeWindow } };

    public static string Connect(SwitchyardServer server, string? database, string extra = "") =>
        Cluster.ConnectionString(server.MySqlEndPoint.Port, database, "app", "app", extra);

    /// <summary>A table with one row (id 1) whose value the tests overwrite, created on the primary and replicated.</summary>
    public static async Task CreateCounterAsync(TestDatabase database)
    {
        await Sql.ExecuteAsync(Cluster.Root(database.Name), "CREATE TABLE c (id INT PRIMARY KEY, v INT NOT NULL); INSERT INTO c VALUES (1, 0)");
        await Replication.WaitForReplicasAsync();
    }

    /// <summary>Waits until the monitor has seen replica 1 behind (its delay measured by the heartbeat) on every check
    /// for longer than the delay itself, and replica 2 not: right after a proxy starts, the heartbeat's age is capped at
    /// the writer's start and an older row may read as a small lag, so one sample is not enough.</summary>
    public static Task WaitForDelayVisibleAsync(SwitchyardServer server)
    {
        DateTimeOffset? behindSince = null;
        return Poll.UntilAsync(() =>
        {
            var (r1, r2) = (server.Health("replica1"), server.Health("replica2"));
            if (r1?.LagSeconds > 1 && r2?.LagSeconds < 1)
                behindSince ??= r1.CheckedAt;
            else
                behindSince = null;
            return Task.FromResult(behindSince is { } since && r1!.CheckedAt - since > TimeSpan.FromSeconds(DelayedReplicaFixture.DelaySeconds + 0.5));
        }, TimeSpan.FromSeconds(30), "replica1's delay is measured steadily",
            // Lag is capped at the heartbeat writer's first beat since it last (re)started: a writer that keeps failing
            // (and restarting) under load hides the delay, which this shows.
            () => $"replica1 lag {server.Health("replica1")?.LagSeconds}, replica2 lag {server.Health("replica2")?.LagSeconds}, " +
                $"heartbeat writing since {server.Context.Monitor?.Heartbeat?.Since.ToString("HH:mm:ss.fff") ?? "(not writing)"} (primary time), now {DateTime.Now:HH:mm:ss.fff}");
    }

    /// <summary>Reads (value, server_id) of the counter row.</summary>
    public static async Task<(long Value, long ServerId)> ReadCounterAsync(MySqlConnection connection, string prefix = "", MySqlCommand? prepared = null)
    {
        var command = prepared ?? new MySqlCommand($"{prefix}SELECT v, @@server_id FROM c WHERE id = 1", connection);
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            return (reader.GetInt64(0), reader.GetInt64(1));
        }
        finally
        {
            if (prepared is null)
                await command.DisposeAsync();
        }
    }

    /// <summary>The value of one series in Prometheus text exposition (0 when absent).</summary>
    public static async Task<double> MetricAsync(SwitchyardServer server, string series)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var exposition = await http.GetStringAsync($"http://{server.HttpEndPoint}/metrics");
        return exposition.Split('\n').Where(line => line.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(line => double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
    }
}
