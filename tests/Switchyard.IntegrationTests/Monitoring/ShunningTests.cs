using Switchyard.IntegrationTests.Support;
using Switchyard.Routing.Health;

namespace Switchyard.IntegrationTests.Monitoring;

/// <summary>Connection errors met by live client traffic shun a backend before the monitor notices anything; it
/// comes back only after the monitor has seen it healthy again.</summary>
[Collection(ProxyCollection.Name)]
public sealed class ShunningTests
{
    /// <summary>Slow enough that client traffic, not the monitor, is first to meet the dead replica.</summary>
    private static readonly TimeSpan SlowInterval = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task AReplicaKilledUnderReadsIsShunnedByTheirConnectionErrorsAndOnlineAgainAfterItRestarts()
    {
        await using var server = await MonitorSupport.StartAsync(
            m => m with { Interval = SlowInterval, ShunAfterErrors = 3, ShunWindow = TimeSpan.FromSeconds(10) },
            c => c with { Routing = c.Routing with { ReplicaRetryDelay = TimeSpan.FromMilliseconds(10) } });
        await server.WaitForStateAsync("replica2", HealthState.Online, TimeSpan.FromSeconds(10));
        var replica2 = Replication.ReplicaServerIds[1];
        var reads = ReadRecorder.Start(server.MySqlEndPoint.Port, clients: 4);
        var killed = false;
        try
        {
            await reads.WaitUntilServedByAsync(replica2, 0, TimeSpan.FromSeconds(10));
            // Right after a check, so that the next one is a whole interval away.
            var monitor = server.Context.Monitor!.For("replica2");
            var checks = monitor.Checks;
            await Poll.UntilAsync(() => Task.FromResult(monitor.Checks > checks), SlowInterval * 3, "a check of replica2 completes");
            await ClusterProcess.KillAsync("replica2");
            killed = true;

            await server.WaitForStateAsync("replica2", HealthState.Shunned, SlowInterval);

            var reason = server.Health("replica2")!.Reason;
            Assert.Contains("3 connection errors from client traffic", reason);
            var samples = await MetricsScrape.ScrapeAsync(server);
            Assert.Equal(1, samples.Value("switchyard_backend_shunned_total{backend=\"replica2\"}"));
            Assert.Equal(0, samples.Value("switchyard_backend_shunned_total{backend=\"replica1\"}"));
            Assert.Equal(1, samples.Value("switchyard_backend_health_state{backend=\"replica2\",state=\"shunned\"}"));

            // The monitor then finds it down; reads carry on elsewhere without a single failure.
            await server.WaitForStateAsync("replica2", HealthState.Down, SlowInterval * 3);
            await ClusterProcess.UpAsync();
            killed = false;
            await server.WaitForStateAsync("replica2", HealthState.Online, SlowInterval * 5);
            await reads.WaitUntilServedByAsync(replica2, System.Diagnostics.Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(10));
            reads.AssertNoFailure();
        }
        finally
        {
            await reads.DisposeAsync();
            if (killed)
                await ClusterProcess.UpAsync();
        }
        reads.AssertNoFailure();
    }
}
