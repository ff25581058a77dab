using Microsoft.Extensions.Logging;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Hosting;
using Switchyard.Proxy.Logging;

namespace Switchyard.IntegrationTests.Configuration;

/// <summary>
/// A proxy in front of the test cluster started from a YAML file in a temporary directory and watching it, as
/// `switchyard --config FILE` does; <see cref="ReplaceAsync"/> swaps the file atomically (as an editor or a ConfigMap
/// does) and waits until the reload it causes is finished. Logs are captured so tests can see what was logged.
/// </summary>
internal sealed class ReloadableProxy : IAsyncDisposable
{
    private readonly string _directory;
    private readonly CapturingLoggerProvider _logs;
    private readonly ILoggerFactory _loggerFactory;

    private ReloadableProxy(string directory, SwitchyardServer server, ILoggerFactory loggerFactory, CapturingLoggerProvider logs)
    {
        _directory = directory;
        _logs = logs;
        Server = server;
        _loggerFactory = loggerFactory;
    }

    public SwitchyardServer Server { get; }
    public string Path => System.IO.Path.Combine(_directory, "switchyard.yaml");
    public IReadOnlyList<string> Logs => _logs.Lines;

    public string Connection(string extra = "") => Cluster.ConnectionString(Server.MySqlEndPoint.Port, null, "app", "app", extra);

    public static async Task<ReloadableProxy> StartAsync(string yaml)
    {
        var directory = Directory.CreateTempSubdirectory("switchyard-backend-reload-").FullName;
        var path = System.IO.Path.Combine(directory, "switchyard.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var logs = new CapturingLoggerProvider();
        var factory = Environment.GetEnvironmentVariable("SWITCHYARD_TEST_LOG") == "1"
            ? LoggingSetup.Create(new LoggingConfig { Level = "debug" })
            : LoggerFactory.Create(_ => { });
        factory.AddProvider(logs);
        var server = await SwitchyardServer.StartAsync(ConfigLoader.LoadFile(path), factory);
        server.WatchConfiguration(path, TimeSpan.FromMilliseconds(50), handleSighup: false);
        return new ReloadableProxy(directory, server, factory, logs);
    }

    /// <summary>Replaces the file with <paramref name="yaml"/> and waits until the reload it triggered has finished
    /// (successful or not).</summary>
    public async Task ReplaceAsync(string yaml)
    {
        var before = Server.ConfigMetrics.Successes + Server.ConfigMetrics.Failures;
        var temporary = Path + ".new";
        await File.WriteAllTextAsync(temporary, yaml);
        File.Move(temporary, Path, overwrite: true);
        await Poll.UntilAsync(() => Task.FromResult(Server.ConfigMetrics.Successes + Server.ConfigMetrics.Failures > before),
            TimeSpan.FromSeconds(10), "the reload of the replaced file");
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _loggerFactory.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The configuration for the test cluster, with the replicas <paramref name="replicas"/> names
    /// (replica1, replica2).</summary>
    public static string Yaml(params string[] replicas) => Yaml(replicas, rules: "[]");

    /// <summary>As above, with a <c>rules:</c> section (YAML, list items indented by two spaces) and backend groups per
    /// replica.</summary>
    public static string Yaml(IReadOnlyList<string> replicas, string rules, IReadOnlyDictionary<string, string>? groups = null) => $"""
        {TestYaml.Header}
        {TestYaml.Monitor("200ms")}
        consistency:
          default: eventual
        {TestYaml.AppUser}
        backends:
          - name: primary
            address: {Cluster.Host}:{Cluster.PrimaryPort}
            role: primary
        {string.Concat(replicas.Select(r => Replica(r, groups?.GetValueOrDefault(r))))}rules:{(rules.TrimStart().StartsWith('[') ? " " + rules.Trim() : "\n" + rules)}

        """;

    private static string Replica(string name, string? group) =>
        $"  - name: {name}\n    address: {Cluster.Host}:{(name == "replica1" ? Cluster.Replica1Port : Cluster.Replica2Port)}\n    role: replica\n"
        + (group is null ? "" : $"    groups: [{group}]\n");
}
