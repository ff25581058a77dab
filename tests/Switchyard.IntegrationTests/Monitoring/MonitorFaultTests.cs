using System.Diagnostics;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Configuration;
using Switchyard.Routing.Health;

namespace Switchyard.IntegrationTests.Monitoring;

/// <summary>Faults of the monitor's own reach: a hung server and wrong credentials.</summary>
[Collection(ProxyCollection.Name)]
public sealed class MonitorFaultTests
{
    [Fact]
    public async Task FrozenReplicaIsDownWithinTwoIntervalsAndTheTimeoutWhileOtherBackendsKeepTheirCadence()
    {
        await using var frozen = await PrivateMariaDb.StartAsync();
        await Sql.ExecuteAsync(frozen.Root() + "AllowUserVariables=true;", "CREATE USER monitor@'%' IDENTIFIED BY 'monitor'; GRANT SLAVE MONITOR, BINLOG MONITOR, PROCESS ON *.* TO monitor@'%'");
        await using var server = await MonitorSupport.StartAsync(MonitorSupport.LagIgnored, c => c with
        {
            Backends = [.. c.Backends, new BackendConfig { Name = "frozen", Host = Cluster.Host, Port = frozen.Port, Role = BackendRole.Replica }],
        });
        // Reachable but not replicating.
        await server.WaitForStateAsync("frozen", HealthState.Broken, TimeSpan.FromSeconds(10));
        await server.WaitForStateAsync("replica2", HealthState.Online, TimeSpan.FromSeconds(10));
        var replica2 = server.Context.Monitor!.For("replica2");

        await frozen.FreezeAsync();
        var watch = Stopwatch.StartNew();
        var checksBefore = replica2.Checks;
        try
        {
            await server.WaitForStateAsync("frozen", HealthState.Down, TimeSpan.FromSeconds(5));
            var tookDown = watch.Elapsed;
            // At most one interval until the next check starts, then the check timeout; the rest is slack for a
            // 2-core machine shared with the cluster and other test runs (observed up to 0.7 s there).
            Assert.True(tookDown < MonitorSupport.Interval * 2 + MonitorSupport.CheckTimeout + TimeSpan.FromSeconds(1), $"took {tookDown}");
            Assert.Contains("timed out", server.Health("frozen")!.Reason);

            // While the frozen backend's checks hang, the others keep checking every interval.
            await Task.Delay(TimeSpan.FromSeconds(1.5) - tookDown > TimeSpan.Zero ? TimeSpan.FromSeconds(1.5) - tookDown : TimeSpan.Zero);
            var elapsed = watch.Elapsed;
            var checks = replica2.Checks - checksBefore;
            var expected = elapsed / MonitorSupport.Interval;
            Assert.True(checks >= expected * 0.6, $"replica2 had {checks} checks in {elapsed.TotalMilliseconds:0} ms (expected about {expected:0})");
            foreach (var backend in (string[])["primary", "replica1", "replica2"])
            {
                var age = DateTimeOffset.UtcNow - server.Health(backend)!.CheckedAt;
                Assert.True(age < MonitorSupport.Interval * 3, $"{backend} last checked {age.TotalMilliseconds:0} ms ago");
                Assert.Equal(HealthState.Online, server.State(backend));
            }
        }
        finally
        {
            await frozen.ThawAsync();
        }

        await Poll.UntilAsync(() => Task.FromResult(server.State("frozen") == HealthState.Broken), TimeSpan.FromSeconds(5),
            "the thawed backend is reachable again", () => server.Describe("frozen"));
    }

    /// <summary>SIGSTOP of a replica of the shared cluster while clients read through the proxy: the kernel still
    /// accepts connections but the server answers nothing, so reads in flight on it would wait for as long as it is
    /// frozen; the monitor's timed-out check takes it out and aborts them, and they are answered elsewhere.</summary>
    [Fact]
    public async Task FrozenClusterReplicaLeavesRotationWithinTwoIntervalsAndTheTimeoutAndNoReadWaitsLonger()
    {
        await using var server = await MonitorSupport.StartAsync();
        await server.WaitForStateAsync("replica2", HealthState.Online, TimeSpan.FromSeconds(10));
        var replica2 = Replication.ReplicaServerIds[1];
        var config = server.Context.Config;
        // What a read may wait for at worst: the next check to start, its timeout, and a connect attempt that a
        // fresh lease may have started on the frozen server just before; plus slack for a shared 2-core machine.
        var longestWait = config.Monitor.Interval + config.Monitor.CheckTimeout + config.BackendTimeouts.Handshake + TimeSpan.FromSeconds(1);
        var reads = ReadRecorder.Start(server.MySqlEndPoint.Port, clients: 4);
        var frozen = false;
        try
        {
            await reads.WaitUntilServedByAsync(replica2, 0, TimeSpan.FromSeconds(10));
            await ClusterProcess.FreezeAsync("replica2");
            frozen = true;
            var frozenAt = Stopwatch.GetTimestamp(); // kill has returned: from here on replica2 answers nothing

            await Poll.UntilAsync(() => Task.FromResult(server.State("replica2") is HealthState.Down), TimeSpan.FromSeconds(10),
                "replica2 is down", () => server.Describe("replica2"));
            var tookOut = Stopwatch.GetElapsedTime(frozenAt);
            Assert.True(tookOut < config.Monitor.Interval * 2 + config.Monitor.CheckTimeout + TimeSpan.FromSeconds(1), $"took {tookOut}");
            // Reads go on elsewhere, and none that started after the freeze is answered by the frozen replica.
            var afterOut = Stopwatch.GetTimestamp();
            await reads.WaitForReadsAsync(afterOut, 200, TimeSpan.FromSeconds(10));
            Assert.DoesNotContain(reads.Reads, r => r.Started >= frozenAt && r.ServerId == replica2);
            var slowest = reads.Reads.Where(r => r.Ended >= frozenAt).Max(r => r.Duration);
            Assert.True(slowest < longestWait, $"a read waited {slowest.TotalMilliseconds:0} ms (at most {longestWait.TotalMilliseconds:0} ms allowed)");
            reads.AssertNoFailure();

            await ClusterProcess.ThawAsync("replica2");
            frozen = false;
            await server.WaitForStateAsync("replica2", HealthState.Online, TimeSpan.FromSeconds(10));
            await reads.WaitUntilServedByAsync(replica2, Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(10));
        }
        finally
        {
            if (frozen)
                await ClusterProcess.ThawAsync("replica2");
            await reads.DisposeAsync();
        }
        reads.AssertNoFailure();
        // Reads still in flight when the proxy was told to stop would not count: every recorded one finished in time.
        Assert.All(reads.Reads, r => Assert.True(r.Duration < longestWait, $"a read waited {r.Duration.TotalMilliseconds:0} ms"));
    }

    [Fact]
    public async Task WrongMonitorPasswordMarksBackendsDownWithAReasonSayingAccessDenied()
    {
        await using var server = await MonitorSupport.StartAsync(m => m with { Credentials = new BackendCredentials("monitor", "not-the-password") });

        await server.WaitForStateAsync("replica1", HealthState.Down, TimeSpan.FromSeconds(5));
        await server.WaitForStateAsync("primary", HealthState.Down, TimeSpan.FromSeconds(5));

        var reason = server.Health("replica1")!.Reason;
        Assert.Contains("access denied", reason, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("monitor", reason);
        Assert.DoesNotContain("not-the-password", reason);
    }

    [Fact]
    public async Task DisabledMonitorLeavesHealthUnset()
    {
        await using var server = await MonitorSupport.StartAsync(m => m with { Enabled = false });

        await Task.Delay(MonitorSupport.Interval * 2);

        Assert.Null(server.Context.Monitor);
        Assert.All(server.Context.Backends, b => Assert.Null(b.Health));
    }
}
