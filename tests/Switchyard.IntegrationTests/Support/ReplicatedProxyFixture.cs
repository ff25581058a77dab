using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Hosting;

namespace Switchyard.IntegrationTests.Support;

/// <summary>
/// A proxy in front of the whole cluster — the primary and both replicas — shared by the tests of one class,
/// for tests that prove where statements run. (<see cref="ProxyFixture"/>'s proxy knows only the primary.)
/// </summary>
public sealed class ReplicatedProxyFixture : IAsyncLifetime
{
    private SwitchyardServer? _server;

    public int Port => Server.MySqlEndPoint.Port;
    internal SwitchyardServer Server => _server ?? throw new InvalidOperationException("proxy not started");

    /// <summary>A MySqlConnector connection string through this proxy (no pooling unless <paramref name="extra"/> says so).</summary>
    public string Proxy(string? database = null, string extra = "") =>
        Cluster.ConnectionString(Port, database, "app", "app", extra);

    /// <summary>Adds both replicas of the shared cluster to <paramref name="config"/>.</summary>
    public static SwitchyardConfig WithReplicas(SwitchyardConfig config) => config with
    {
        Backends =
        [
            .. config.Backends,
            new BackendConfig { Name = "replica1", Host = Cluster.Host, Port = Cluster.Replica1Port, Role = BackendRole.Replica },
            new BackendConfig { Name = "replica2", Host = Cluster.Host, Port = Cluster.Replica2Port, Role = BackendRole.Replica },
        ],
    };

    /// <summary>Starts a further proxy in front of the whole cluster with other settings; the caller disposes it.</summary>
    internal static Task<SwitchyardServer> StartAsync(Func<SwitchyardConfig, SwitchyardConfig>? customize = null) =>
        ProxyFixture.StartProxyAsync(c => (customize ?? (x => x))(WithReplicas(c)));

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
