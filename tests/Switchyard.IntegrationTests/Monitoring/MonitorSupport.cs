using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Hosting;
using Switchyard.Routing.Health;

namespace Switchyard.IntegrationTests.Monitoring;

/// <summary>Starting a proxy with a fast monitor, reading what it concluded, and putting the shared replicas back.</summary>
internal static class MonitorSupport
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(1);

    /// <summary>A proxy in front of the whole cluster whose monitor checks every 200 ms as the cluster's monitor user.</summary>
    public static Task<SwitchyardServer> StartAsync(Func<MonitorConfig, MonitorConfig>? monitor = null, Func<SwitchyardConfig, SwitchyardConfig>? more = null) =>
        ReplicatedProxyFixture.StartAsync(c =>
        {
            var config = c with
            {
                Monitor = (monitor ?? (m => m))(c.Monitor with
                {
                    Interval = Interval,
                    CheckTimeout = CheckTimeout,
                    Credentials = new BackendCredentials("monitor", "monitor"),
                }),
            };
            return (more ?? (x => x))(config);
        });

    /// <summary>For tests that assert a replica is online at a given moment and are not about lag. Without the
    /// heartbeat, lag is Seconds_Behind_Master, which can read past the default 5 s for one check while the replica is
    /// not behind: while it applies a transaction another test kept open that long on the shared primary, it reads as
    /// that transaction's age (a 6 s transaction read 6 for about 250 ms).</summary>
    public static MonitorConfig LagIgnored(MonitorConfig monitor) => monitor with { MaxReplicationLag = TimeSpan.FromHours(1) };

    public static BackendHealth? Health(this SwitchyardServer server, string backend) =>
        server.Context.Backends.Single(b => b.Name == backend).Health;

    public static HealthState? State(this SwitchyardServer server, string backend) => server.Health(backend)?.State;

    public static Task WaitForStateAsync(this SwitchyardServer server, string backend, HealthState state, TimeSpan timeout) =>
        Poll.UntilAsync(() => Task.FromResult(server.State(backend) == state), timeout, $"{backend} is {state}", () => server.Describe(backend));

    /// <summary>A backend's state and the reason for it, as the monitor sees it now (for failure messages).</summary>
    public static string Describe(this SwitchyardServer server, string backend) => $"{backend} is {server.State(backend)}: {server.Health(backend)?.Reason}";

    /// <summary>Replication running again with no delay, and caught up: other tests rely on the shared replicas.</summary>
    public static async Task RestoreReplicaAsync(int port)
    {
        await Sql.ExecuteAsync(Replication.Root(port), "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE");
        await Replication.WaitForReplicasAsync(TimeSpan.FromSeconds(30));
    }
}
