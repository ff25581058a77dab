using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Protocol.Authentication;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Hosting;

namespace Switchyard.IntegrationTests.Support;

/// <summary>
/// One proxy, started in-process on a free port in front of the shared cluster's primary, for the whole test
/// collection. Tests that need other limits or backends start their own instance with <see cref="StartProxyAsync"/>.
/// </summary>
public sealed class ProxyFixture : IAsyncLifetime
{
    /// <summary>Short enough that the idle-client test is quick, long enough for a loaded 2-core machine.</summary>
    public static readonly TimeSpan ClientHandshakeTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan BackendHandshakeTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan BackendConnectTimeout = TimeSpan.FromSeconds(2);

    private SwitchyardServer? _server;

    public int Port => Server.MySqlEndPoint.Port;
    internal SwitchyardServer Server => _server ?? throw new InvalidOperationException("proxy not started");

    /// <summary>A MySqlConnector connection string through the proxy (no pooling unless <paramref name="extra"/> says so).</summary>
    public string Proxy(string? database = null, string user = "app", string password = "app", string extra = "") =>
        Cluster.ConnectionString(Port, database, user, password, extra);

    public static SwitchyardConfig BaseConfig(int primaryPort) => new()
    {
        MySqlListener = new ListenEndpoint("127.0.0.1", 0),
        HttpListener = new ListenEndpoint("127.0.0.1", 0),
        BackendCredentials = new BackendCredentials("switchyard", "switchyard"),
        BackendTimeouts = new BackendTimeouts { Connect = BackendConnectTimeout, Handshake = BackendHandshakeTimeout },
        Limits = new LimitsConfig { ClientHandshakeTimeout = ClientHandshakeTimeout, ClientReadTimeout = TimeSpan.FromSeconds(10) },
        Users =
        [
            new UserConfig { Name = "app", PasswordDoubleSha1 = NativePassword.DoubleSha1("app") },
            new UserConfig { Name = "monitor", PasswordDoubleSha1 = NativePassword.DoubleSha1("monitor") },
        ],
        Backends = [new BackendConfig { Name = "primary", Host = Cluster.Host, Port = primaryPort, Role = BackendRole.Primary }],
    };

    /// <summary>Starts a further proxy (for its own limits or backends); the caller disposes it.</summary>
    internal static Task<SwitchyardServer> StartProxyAsync(Func<SwitchyardConfig, SwitchyardConfig>? customize = null) =>
        SwitchyardServer.StartAsync((customize ?? (c => c))(BaseConfig(Cluster.PrimaryPort)), LoggerFactory);

    /// <summary>Set SWITCHYARD_TEST_LOG=1 to see the proxy's log on the console while debugging a test.</summary>
    private static ILoggerFactory LoggerFactory { get; } =
        Environment.GetEnvironmentVariable("SWITCHYARD_TEST_LOG") == "1"
            ? Switchyard.Proxy.Logging.LoggingSetup.Create(new LoggingConfig { Level = "debug" })
            : NullLoggerFactory.Instance;

    public async Task InitializeAsync() => _server = await StartProxyAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}

/// <summary>All integration tests share one proxy and run one after the other: the machine has two cores
/// shared with the database cluster, and several tests measure timing or memory.</summary>
[CollectionDefinition(Name)]
public sealed class ProxyCollection : ICollectionFixture<ProxyFixture>
{
    public const string Name = "Proxy";
}
