using System.Net;
using System.Text.Json;
using Switchyard.IntegrationTests.Support;
using Switchyard.Routing.Health;

namespace Switchyard.IntegrationTests.Monitoring;

/// <summary>@@read_only as the monitor judges it, set for real on the shared cluster and always put back.</summary>
[Collection(ProxyCollection.Name)]
public sealed class ReadOnlyHealthTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task APrimaryWithReadOnlyOnMakesHealthzReportWritesUnavailableAndStatusSaysWhy()
    {
        await using var server = await MonitorSupport.StartAsync();
        await server.WaitForStateAsync("primary", HealthState.Online, Settle);
        Assert.Contains("\"writes\":true", await MetricsScrape.GetAsync(server, "/healthz"));
        try
        {
            await Sql.ExecuteAsync(Cluster.Root(), "SET GLOBAL read_only = ON");
            await Poll.UntilAsync(() => Task.FromResult(server.Health("primary")?.ReadOnly == true), TimeSpan.FromSeconds(3), "the monitor reads read_only=ON");

            var healthz = JsonDocument.Parse(await MetricsScrape.GetAsync(server, "/healthz", HttpStatusCode.ServiceUnavailable)).RootElement;
            Assert.False(healthz.GetProperty("writes").GetBoolean());
            Assert.True(healthz.GetProperty("reads").GetBoolean());
            Assert.Contains("read_only=ON", healthz.GetProperty("writes_unavailable").GetString());

            var status = JsonDocument.Parse(await MetricsScrape.GetAsync(server, "/status")).RootElement;
            Assert.False(status.GetProperty("writes").GetBoolean());
            Assert.Contains("read_only=ON", status.GetProperty("writes_unavailable").GetString());
            var primary = status.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "primary");
            Assert.True(primary.GetProperty("read_only").GetBoolean());
            Assert.Contains("refuses writes", primary.GetProperty("warning").GetString());
            Assert.Contains("read_only", await MetricsScrape.GetAsync(server, "/"));
        }
        finally
        {
            await Sql.ExecuteAsync(Cluster.Root(), "SET GLOBAL read_only = OFF");
        }

        await Poll.UntilAsync(() => Task.FromResult(server.Health("primary")?.AcceptsWrites == true), TimeSpan.FromSeconds(3), "the primary takes writes again");
        Assert.Contains("\"writes\":true", await MetricsScrape.GetAsync(server, "/healthz"));
    }

    [Fact]
    public async Task AReplicaWithReadOnlyOffStaysInRotationWithAWarningInStatus()
    {
        await using var server = await MonitorSupport.StartAsync(MonitorSupport.LagIgnored);
        await server.WaitForStateAsync("replica1", HealthState.Online, Settle);
        await using var client = new MySqlConnector.MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app"));
        await client.OpenAsync();
        try
        {
            await Sql.ExecuteAsync(Replication.Root(Cluster.Replica1Port), "SET GLOBAL read_only = OFF");
            await Poll.UntilAsync(() => Task.FromResult(server.Health("replica1")?.ReadOnly == false), TimeSpan.FromSeconds(3), "the monitor reads read_only=OFF");

            Assert.True(server.State("replica1") == HealthState.Online, server.Describe("replica1"));
            var status = JsonDocument.Parse(await MetricsScrape.GetAsync(server, "/status")).RootElement;
            var replica = status.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "replica1");
            Assert.Equal("online", replica.GetProperty("state").GetString());
            Assert.Contains("read_only is OFF", replica.GetProperty("warning").GetString());
            Assert.Contains(Replication.ReplicaServerIds[0], await Routes.ServerIdsAsync(client, 10));
        }
        finally
        {
            await Sql.ExecuteAsync(Replication.Root(Cluster.Replica1Port), "SET GLOBAL read_only = ON");
        }

        await Poll.UntilAsync(() => Task.FromResult(server.Health("replica1")?.Warning == ""), TimeSpan.FromSeconds(3), "the warning is gone");
    }
}
