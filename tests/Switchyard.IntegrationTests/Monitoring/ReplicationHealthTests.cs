using System.Diagnostics;
using Switchyard.IntegrationTests.Support;
using Switchyard.Routing.Health;

namespace Switchyard.IntegrationTests.Monitoring;

/// <summary>Real replication faults on the shared cluster's first replica, as the monitor sees them. Every test
/// puts the replica back (replication running, no delay, caught up) whatever happens.</summary>
[Collection(ProxyCollection.Name)]
public sealed class ReplicationHealthTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task StoppedSqlThreadMakesTheReplicaBrokenAndStartingItBringsItBackOnline()
    {
        await using var server = await MonitorSupport.StartAsync(MonitorSupport.LagIgnored);
        await server.WaitForStateAsync("replica1", HealthState.Online, Settle);
        await server.WaitForStateAsync("primary", HealthState.Online, Settle);
        try
        {
            await Sql.ExecuteAsync(Replication.Root(Cluster.Replica1Port), "STOP SLAVE SQL_THREAD");
            var watch = Stopwatch.StartNew();

            await server.WaitForStateAsync("replica1", HealthState.Broken, TimeSpan.FromSeconds(3));

            Assert.True(watch.Elapsed < MonitorSupport.Interval * 2 + TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
            Assert.Contains("SQL thread", server.Health("replica1")!.Reason);
            Assert.Null(server.Health("replica1")!.LagSeconds);
            Assert.Equal(HealthState.Online, server.State("replica2"));

            await Sql.ExecuteAsync(Replication.Root(Cluster.Replica1Port), "START SLAVE SQL_THREAD");
            await server.WaitForStateAsync("replica1", HealthState.Online, TimeSpan.FromSeconds(5));
        }
        finally
        {
            await MonitorSupport.RestoreReplicaAsync(Cluster.Replica1Port);
        }
    }

    [Fact]
    public async Task ReadsAvoidAReplicaWhoseReplicationStopsAndReturnToItOnceItRuns()
    {
        await using var server = await MonitorSupport.StartAsync();
        await server.WaitForStateAsync("replica1", HealthState.Online, Settle);
        await using var client = new MySqlConnector.MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app"));
        await client.OpenAsync();
        var (replica1, replica2) = (Replication.ReplicaServerIds[0], Replication.ReplicaServerIds[1]);
        try
        {
            await Sql.ExecuteAsync(Replication.Root(Cluster.Replica1Port), "STOP SLAVE SQL_THREAD");
            await server.WaitForStateAsync("replica1", HealthState.Broken, TimeSpan.FromSeconds(3));

            // Out of rotation at once: every read goes to the other replica.
            Assert.All(await Routes.ServerIdsAsync(client, 10), id => Assert.Equal(replica2, id));

            await Sql.ExecuteAsync(Replication.Root(Cluster.Replica1Port), "START SLAVE SQL_THREAD");
            await server.WaitForStateAsync("replica1", HealthState.Online, TimeSpan.FromSeconds(5));
            var ids = await Routes.ServerIdsAsync(client, 10);
            Assert.Contains(replica1, ids);
            Assert.Contains(replica2, ids);
        }
        finally
        {
            await MonitorSupport.RestoreReplicaAsync(Cluster.Replica1Port);
        }
    }

    [Fact]
    public async Task MasterDelayBeyondTheLimitMakesTheReplicaLaggingByHeartbeatAndItReturnsAfterCatchingUp()
    {
        await using var server = await MonitorSupport.StartAsync(m => m with
        {
            MaxReplicationLag = TimeSpan.FromSeconds(1),
            Heartbeat = m.Heartbeat with { Enabled = true, Interval = TimeSpan.FromMilliseconds(100) },
        });
        await server.WaitForStateAsync("replica1", HealthState.Online, Settle);
        try
        {
            await Sql.ExecuteAsync(Replication.Root(Cluster.Replica1Port), "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=3; START SLAVE");

            await server.WaitForStateAsync("replica1", HealthState.Lagging, TimeSpan.FromSeconds(10));

            var health = server.Health("replica1")!;
            Assert.True(health.LagSeconds > 1, $"lag {health.LagSeconds}");
            Assert.Contains("above the limit", health.Reason);
            Assert.Equal(HealthState.Online, server.State("replica2"));
            Assert.True(server.Health("replica2")!.LagSeconds < 1, $"replica2 lag {server.Health("replica2")!.LagSeconds}");

            await Sql.ExecuteAsync(Replication.Root(Cluster.Replica1Port), "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE");
            await server.WaitForStateAsync("replica1", HealthState.Online, TimeSpan.FromSeconds(10));
            Assert.True(server.Health("replica1")!.LagSeconds <= 0.8, $"lag {server.Health("replica1")!.LagSeconds}");
        }
        finally
        {
            await MonitorSupport.RestoreReplicaAsync(Cluster.Replica1Port);
        }
    }

    [Fact]
    public async Task MasterDelayBeyondTheLimitMakesTheReplicaLaggingBySecondsBehindMasterWhileWritesFlow()
    {
        await using var database = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(database.Name), "CREATE TABLE ticks (id INT AUTO_INCREMENT PRIMARY KEY, at DATETIME(6))");
        await Replication.WaitForReplicasAsync();
        await using var server = await MonitorSupport.StartAsync(m => m with { MaxReplicationLag = TimeSpan.FromSeconds(1) });
        await server.WaitForStateAsync("replica1", HealthState.Online, Settle);
        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            // Seconds_Behind_Master shows a delay only while events wait to be applied.
            while (!stopWriting.IsCancellationRequested)
            {
                await Sql.ExecuteAsync(Cluster.Root(database.Name), "INSERT INTO ticks (at) VALUES (NOW(6))");
                await Task.Delay(200);
            }
        });
        try
        {
            await Sql.ExecuteAsync(Replication.Root(Cluster.Replica1Port), "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=3; START SLAVE");

            await server.WaitForStateAsync("replica1", HealthState.Lagging, TimeSpan.FromSeconds(10));
            Assert.True(server.Health("replica1")!.LagSeconds > 1, $"lag {server.Health("replica1")!.LagSeconds}");

            await Sql.ExecuteAsync(Replication.Root(Cluster.Replica1Port), "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE");
            await server.WaitForStateAsync("replica1", HealthState.Online, TimeSpan.FromSeconds(10));
        }
        finally
        {
            await stopWriting.CancelAsync();
            await writer;
            await MonitorSupport.RestoreReplicaAsync(Cluster.Replica1Port);
        }
    }

    [Fact]
    public async Task PrimaryReportsItsGtidPositionAndReplicasTheirLagInBytes()
    {
        await using var server = await MonitorSupport.StartAsync();
        await server.WaitForStateAsync("replica1", HealthState.Online, Settle);
        await server.WaitForStateAsync("primary", HealthState.Online, Settle);

        await Poll.UntilAsync(() => Task.FromResult(server.Health("replica1")!.LagBytes is not null), TimeSpan.FromSeconds(3), "replica1 has a lag in bytes");

        Assert.Matches(@"^\d+-\d+-\d+", server.Health("primary")!.GtidPosition);
        Assert.Matches(@"^\d+-\d+-\d+", server.Health("replica1")!.GtidPosition);
        Assert.True(server.Health("replica1")!.LagBytes >= 0);
        Assert.True(server.Health("replica1")!.RoundTrip < TimeSpan.FromSeconds(1));
    }
}
