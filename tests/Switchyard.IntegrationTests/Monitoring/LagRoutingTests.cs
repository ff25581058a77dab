using System.Diagnostics;
using System.Globalization;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;
using Switchyard.Routing.Health;
using Xunit.Abstractions;

namespace Switchyard.IntegrationTests.Monitoring;

/// <summary>MASTER_DELAY on the shared cluster's first replica, seen through real client reads and a real /metrics
/// scrape. The true lag comes from the test's own <see cref="LagProbe"/>, not from the proxy. Every test puts the
/// replica back (no delay, caught up) whatever happens.</summary>
[Collection(ProxyCollection.Name)]
public sealed class LagRoutingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);
    private const int DelaySeconds = 3;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);
    private static long Replica1 => Replication.ReplicaServerIds[0];

    private static Task<Proxy.Hosting.SwitchyardServer> StartAsync(bool heartbeat) => MonitorSupport.StartAsync(m => m with
    {
        MaxReplicationLag = Limit,
        Heartbeat = m.Heartbeat with { Enabled = heartbeat, Interval = TimeSpan.FromMilliseconds(100) },
    });

    private static Task DelayReplica1Async(int seconds) =>
        Sql.ExecuteAsync(Replication.Root(Cluster.Replica1Port), $"STOP SLAVE; CHANGE MASTER TO MASTER_DELAY={seconds}; START SLAVE");

    /// <summary>With the heartbeat the lag counts as visible when it truly crosses the limit (the probe); without it,
    /// when the monitor's measured lag does (Seconds_Behind_Master counts whole seconds and only while events wait).
    /// Either way no read that starts more than two monitor intervals later may be answered by the replica. The
    /// measured figures are printed, not asserted.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadsLeaveADelayedReplicaWithinTwoIntervalsOfItsLagBecomingVisibleAndReturnOnceItCatchesUp(bool heartbeat)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var probe = await LagProbe.StartAsync(database.Name);
        await using var server = await StartAsync(heartbeat);
        await server.WaitForStateAsync("replica1", HealthState.Online, Settle);
        await using var replica = new MySqlConnection(Replication.Root(Cluster.Replica1Port));
        await replica.OpenAsync();
        var reads = ReadRecorder.Start(server.MySqlEndPoint.Port);
        try
        {
            await reads.WaitUntilServedByAsync(Replica1, 0, Settle);
            await DelayReplica1Async(DelaySeconds);

            long crossed = 0, visible = 0;
            await Poll.UntilAsync(async () =>
            {
                var now = Stopwatch.GetTimestamp();
                if (visible == 0 && server.Health("replica1")?.LagSeconds > Limit.TotalSeconds)
                    visible = now;
                if (crossed == 0 && await probe.AgeOnAsync(replica) > Limit.TotalSeconds)
                    crossed = now;
                return crossed != 0 && visible != 0;
            }, TimeSpan.FromSeconds(15), "the lag crosses the limit and the monitor sees it");
            var cutoff = (heartbeat ? crossed : visible) + (long)((MonitorSupport.Interval * 2).TotalSeconds * Stopwatch.Frequency);
            // Enough reads after the cut-off to mean something.
            await reads.WaitForReadsAsync(cutoff, 200, TimeSpan.FromSeconds(10));
            Assert.Equal(HealthState.Lagging, server.State("replica1"));

            var served = reads.Reads.Where(r => r.ServerId == Replica1).ToList();
            var late = served.Where(r => r.Started > cutoff).ToList();
            if (late.Count > 0)
                Assert.Fail($"{late.Count} reads that started more than 2 intervals after the lag was visible went to replica1, the first {Seconds(late[0].Started - cutoff):0.000} s after the cut-off");
            var lastServed = served.Max(r => r.Ended);
            output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "heartbeat {0}: last read served by replica1 {1:0.000} s after the true lag crossed {2} s, {3:0.000} s after the monitor's lag did; monitor saw it {4:0.000} s after the crossing",
                heartbeat ? "on" : "off", Seconds(lastServed - crossed), Limit.TotalSeconds, Seconds(lastServed - visible), Seconds(visible - crossed)));

            await DelayReplica1Async(0);
            await reads.WaitUntilServedByAsync(Replica1, Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(15));
            Assert.Equal(HealthState.Online, server.State("replica1"));
            reads.AssertNoFailure();
        }
        finally
        {
            await reads.DisposeAsync();
            await MonitorSupport.RestoreReplicaAsync(Cluster.Replica1Port);
        }
        reads.AssertNoFailure();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LagGaugeScrapedFromMetricsMatchesTheInjectedDelay(bool heartbeat)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var probe = await LagProbe.StartAsync(database.Name);
        await using var server = await StartAsync(heartbeat);
        await server.WaitForStateAsync("replica1", HealthState.Online, Settle);
        await using var replica = new MySqlConnection(Replication.Root(Cluster.Replica1Port));
        await replica.OpenAsync();
        try
        {
            if (heartbeat)
                await WaitForHeartbeatOlderThanAsync(server, DelaySeconds + 1);
            await DelayReplica1Async(DelaySeconds);
            // The delay has built up fully once the replica's copy of the probe row is as old as the delay.
            await Poll.UntilAsync(async () => await probe.AgeOnAsync(replica) >= DelaySeconds - 0.1, TimeSpan.FromSeconds(15),
                "the replica is the whole delay behind");
            await server.WaitForStateAsync("replica1", HealthState.Lagging, TimeSpan.FromSeconds(5));
            // One more check after the build-up, so the gauge is not from before it.
            var checks = server.Context.Monitor!.For("replica1").Checks;
            await Poll.UntilAsync(() => Task.FromResult(server.Context.Monitor!.For("replica1").Checks >= checks + 2), TimeSpan.FromSeconds(5), "two more checks");

            var samples = await MetricsScrape.ScrapeAsync(server);

            var lag = samples.Value("switchyard_backend_replication_lag_seconds{backend=\"replica1\"}");
            output.WriteLine($"heartbeat {(heartbeat ? "on" : "off")}: lag gauge {lag} s for MASTER_DELAY={DelaySeconds}");
            Assert.NotNull(lag);
            Assert.InRange(lag.Value, DelaySeconds - 1.5, DelaySeconds + 1.5);
            Assert.Equal(1, samples.Value("switchyard_backend_health_state{backend=\"replica1\",state=\"lagging\"}"));
            Assert.Equal(0, samples.Value("switchyard_backend_health_state{backend=\"replica1\",state=\"online\"}"));
            Assert.Equal(1, samples.Value("switchyard_backend_up{backend=\"replica1\"}"));
            Assert.InRange(samples.Value("switchyard_backend_replication_lag_seconds{backend=\"replica2\"}") ?? double.NaN, 0, 1.5);
        }
        finally
        {
            await MonitorSupport.RestoreReplicaAsync(Cluster.Replica1Port);
        }
    }

    /// <summary>The monitor caps the heartbeat lag at the age of its writer's first beat (an older row is from an
    /// earlier run), so a delay can show in full only once the writer has been beating longer than the delay.</summary>
    private static Task WaitForHeartbeatOlderThanAsync(Proxy.Hosting.SwitchyardServer server, double seconds) =>
        Poll.UntilAsync(async () =>
        {
            if (server.Context.Monitor!.Heartbeat?.Since is not { } since)
                return false;
            var text = since.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
            var age = Convert.ToInt64(await Sql.ScalarAsync(Cluster.Root(), $"SELECT TIMESTAMPDIFF(MICROSECOND, '{text}', NOW(6))"));
            return age > seconds * 1_000_000;
        }, TimeSpan.FromSeconds(seconds + 10), $"the heartbeat has been written for {seconds} s");

    private static double Seconds(long stopwatchTicks) => stopwatchTicks / (double)Stopwatch.Frequency;
}
