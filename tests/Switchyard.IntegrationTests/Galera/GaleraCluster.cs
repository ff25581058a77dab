using System.Diagnostics;
using System.Globalization;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Galera;

/// <summary>The three-node Galera cluster of scripts/galera.sh for one test class: brought up before its first test
/// (with the ports of the environment, SWITCHYARD_GALERA_PORT1..3 etc., which the script reads too) and stopped after
/// its last, unless it was already running before (a developer's own cluster is left alone). When the cluster cannot
/// start, every test of the class fails with the script's output: nothing is skipped silently.</summary>
public sealed class GaleraCluster : IAsyncLifetime
{
    private bool _startedHere;

    /// <summary>The nodes in configuration order: n1 (writes), n2, n3.</summary>
    public static IReadOnlyList<string> Nodes { get; } = ["n1", "n2", "n3"];

    /// <summary>How long `galera.sh up` took in this run (printed by the tests for the report).</summary>
    public TimeSpan UpTime { get; private set; }

    public static int Port(string node) => node switch
    {
        "n1" => EnvPort("SWITCHYARD_GALERA_PORT1", 6316),
        "n2" => EnvPort("SWITCHYARD_GALERA_PORT2", 6317),
        "n3" => EnvPort("SWITCHYARD_GALERA_PORT3", 6318),
        _ => throw new ArgumentOutOfRangeException(nameof(node), node, "n1, n2 or n3"),
    };

    public static string Root(string node) => Cluster.ConnectionString(Port(node), null, "root", "");

    public static string StateDirectory =>
        Environment.GetEnvironmentVariable("SWITCHYARD_GALERA_DIR") is { Length: > 0 } dir ? dir : Path.Combine(Cluster.RepositoryRoot, ".galera");

    public async Task InitializeAsync()
    {
        var (alreadyUp, _) = await ScriptAsync("status");
        _startedHere = !alreadyUp;
        var watch = Stopwatch.StartNew();
        var (ok, output) = await ScriptAsync("up");
        UpTime = watch.Elapsed;
        if (!ok)
            throw new InvalidOperationException($"scripts/galera.sh up failed:\n{output}");
    }

    public async Task DisposeAsync()
    {
        if (_startedHere)
            await ScriptAsync("down");
    }

    /// <summary>SIGTERM to one node, waiting until it has exited.</summary>
    public static Task StopAsync(string node) => MustAsync("stop", node);

    /// <summary>Starts the nodes that are not running; each rejoins the cluster and is Synced when this returns.</summary>
    public static Task UpAsync() => MustAsync("up");

    private static async Task MustAsync(params string[] arguments)
    {
        var (ok, output) = await ScriptAsync(arguments);
        if (!ok)
            throw new InvalidOperationException($"scripts/galera.sh {string.Join(' ', arguments)} failed:\n{output}");
    }

    /// <summary>Runs scripts/galera.sh; true when it exited 0, with its standard output and error together.</summary>
    private static async Task<(bool Ok, string Output)> ScriptAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Cluster.RepositoryRoot, "scripts", "galera.sh"), .. arguments])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode == 0, await stdout + await stderr);
    }

    private static int EnvPort(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : fallback;
}
