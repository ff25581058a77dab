using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Hosting;
using Switchyard.Proxy.Tests.Support;
using Switchyard.Routing.Health;

namespace Switchyard.Proxy.Tests.Hosting;

/// <summary>Replicas changed by a reload, without a database: the "servers" are listening sockets that never greet, so
/// a monitor check of them hangs until its timeout and no connection to them ever succeeds.</summary>
public sealed class ServerBackendReloadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("switchyard-backend-reload-").FullName;
    private readonly TcpListener _silentA = Silent();
    private readonly TcpListener _silentB = Silent();

    public void Dispose()
    {
        _silentA.Dispose();
        _silentB.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task AddedReplica_WithAMonitor_IsNotChosenBeforeItsFirstCheck()
    {
        await using var server = await StartAsync(monitor: true, Port(_silentA));

        await ReplaceAsync(server, Config(monitor: true, Port(_silentA), Port(_silentB)));

        var added = server.Context.Backends.Single(b => b.Name == "replica2");
        // Its first check waits for a greeting for up to 5 s: until then it is Unchecked and gets no read.
        Assert.Equal(HealthState.Unknown, added.Health?.State);
        Assert.Equal(2, server.Context.Replicas.Count);
        Assert.Null(server.Context.Replicas.Choose(0, out _));
        Assert.Contains(server.Context.Monitor!.Monitors, m => m.Endpoint == added);
    }

    [Fact]
    public async Task AddedReplica_WithoutAMonitor_IsChosenAtOnce()
    {
        await using var server = await StartAsync(monitor: false, Port(_silentA));
        var first = server.Context.Pools["replica1"];
        first.Endpoint.MarkUnavailable(TimeSpan.FromHours(1));

        await ReplaceAsync(server, Config(monitor: false, Port(_silentA), Port(_silentB)));

        Assert.Same(server.Context.Pools["replica2"], server.Context.Replicas.Choose(0, out _));
        // The replica that stayed is the same object, with what was learned about it.
        Assert.Same(first, server.Context.Pools["replica1"]);
    }

    [Fact]
    public async Task RemovedReplica_IsNeverChosenAndItsIdlePoolDrainsAtOnce()
    {
        await using var server = await StartAsync(monitor: false, Port(_silentA), Port(_silentB));
        var removed = server.Context.Pools["replica2"];

        await ReplaceAsync(server, Config(monitor: false, Port(_silentA)));

        Assert.Equal(1, server.Context.Replicas.Count);
        for (var i = 0; i < 10; i++)
            Assert.NotSame(removed, server.Context.Replicas.Choose(0, out _));
        Assert.True(removed.IsDraining);
        await server.BackendReconfiguration.DrainsAsync();
        Assert.Empty(server.Context.DrainingPools);
        Assert.DoesNotContain(server.Context.Backends, b => b.Name == "replica2");
    }

    [Fact]
    public async Task ChangedPrimary_IsKept()
    {
        await using var server = await StartAsync(monitor: false, Port(_silentA));
        var primary = server.Context.Primary;

        await ReplaceAsync(server, Config(monitor: false, Port(_silentA)).Replace("127.0.0.1:1\n", "127.0.0.1:2\n"));

        Assert.Same(primary, server.Context.Primary);
        Assert.Equal("127.0.0.1:1", server.Context.Primary.Address);
    }

    private async Task<SwitchyardServer> StartAsync(bool monitor, params int[] replicas)
    {
        var path = Path.Combine(_directory, "switchyard.yaml");
        File.WriteAllText(path, Config(monitor, replicas));
        var server = await SwitchyardServer.StartAsync(ConfigLoader.LoadFile(path), NullLoggerFactory.Instance);
        server.WatchConfiguration(path, TimeSpan.FromMilliseconds(50), handleSighup: false);
        return server;
    }

    private async Task ReplaceAsync(SwitchyardServer server, string yaml)
    {
        var path = Path.Combine(_directory, "switchyard.yaml");
        var before = server.ConfigMetrics.Successes;
        File.WriteAllText(path + ".new", yaml);
        File.Move(path + ".new", path, overwrite: true);
        await Poll.UntilAsync(() => server.ConfigMetrics.Successes > before, "the reload");
    }

    private static TcpListener Silent()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    private static string Config(bool monitor, params int[] replicas) => $"""
        listeners:
          mysql: 127.0.0.1:0
          http: 127.0.0.1:0
        backend_credentials:
          user: switchyard
          password: x
        backend_timeouts:
          connect: 200ms
          handshake: 200ms
        monitor:
          enabled: {(monitor ? "true" : "false")}
          interval: 10s
          check_timeout: 5s
        users:
          - name: app
            password: app
        backends:
          - name: primary
            address: 127.0.0.1:1
            role: primary
        {string.Concat(replicas.Select((port, i) => $"  - name: replica{i + 1}\n    address: 127.0.0.1:{port}\n    role: replica\n"))}
        """;
}
