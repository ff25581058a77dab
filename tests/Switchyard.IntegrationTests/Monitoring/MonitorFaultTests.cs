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
        await using var server = await MonitorSupport.StartAsync(more: c => c with
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
            $"the thawed backend is reachable again (it is {server.State("frozen")}: {server.Health("frozen")?.Reason})");
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
