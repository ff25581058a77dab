using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.IntegrationTests.Monitoring;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Hosting;
using Switchyard.Routing.Health;

namespace Switchyard.IntegrationTests.Rules;

/// <summary>A proxy started from a YAML file of its own (primary, replica1 in group "reporting", replica2), watched
/// for changes like `switchyard --config FILE`, so rules are exercised as operators write them.</summary>
internal sealed class RulesProxy : IAsyncDisposable
{
    private readonly DirectoryInfo _directory;

    private RulesProxy(DirectoryInfo directory, string path, SwitchyardServer server)
    {
        _directory = directory;
        Path = path;
        Server = server;
    }

    public string Path { get; }
    public SwitchyardServer Server { get; }
    public int Port => Server.MySqlEndPoint.Port;

    public string ConnectionString(string? database = null) => Cluster.ConnectionString(Port, database, "app", "app");

    public static async Task<RulesProxy> StartAsync(string rules)
    {
        var directory = Directory.CreateTempSubdirectory("switchyard-rules-");
        var path = System.IO.Path.Combine(directory.FullName, "switchyard.yaml");
        await File.WriteAllTextAsync(path, Yaml(rules));
        var server = await SwitchyardServer.StartAsync(ConfigLoader.LoadFile(path), NullLoggerFactory.Instance);
        server.WatchConfiguration(path, TimeSpan.FromMilliseconds(50), handleSighup: false);
        foreach (var replica in new[] { "replica1", "replica2" })
            await server.WaitForStateAsync(replica, HealthState.Online, TimeSpan.FromSeconds(10));
        return new RulesProxy(directory, path, server);
    }

    /// <summary>Replaces the file the way an editor does (write aside, rename over) and waits until the proxy counted
    /// the reload as a success or a failure.</summary>
    public async Task ReplaceRulesAsync(string rules, bool expectValid = true) => await ReplaceAsync(Yaml(rules), expectValid);

    public async Task ReplaceAsync(string yaml, bool expectValid)
    {
        var successes = Server.ConfigMetrics.Successes;
        var failures = Server.ConfigMetrics.Failures;
        var aside = Path + ".new";
        await File.WriteAllTextAsync(aside, yaml);
        File.Move(aside, Path, overwrite: true);
        await Poll.UntilAsync(() => Task.FromResult(expectValid ? Server.ConfigMetrics.Successes > successes : Server.ConfigMetrics.Failures > failures),
            TimeSpan.FromSeconds(10), expectValid ? "the reload is applied" : "the reload is rejected");
    }

    private static string Yaml(string rules) => $"""
        listeners:
          mysql: 127.0.0.1:0
          http: 127.0.0.1:0
        backend_credentials:
          user: switchyard
          password: switchyard
        monitor:
          interval: 200ms
          user: monitor
          password: monitor
        consistency:
          default: eventual
        users:
          - name: app
            password: app
        backends:
          - name: primary
            address: {Cluster.Host}:{Cluster.PrimaryPort}
            role: primary
          - name: replica1
            address: {Cluster.Host}:{Cluster.Replica1Port}
            role: replica
            groups: [reporting]
          - name: replica2
            address: {Cluster.Host}:{Cluster.Replica2Port}
            role: replica
        rules:
        {rules}

        """;

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _directory.Delete(recursive: true);
    }
}
