using System.Globalization;

namespace Switchyard.IntegrationTests.Support;

/// <summary>Real faults on the shared cluster's own servers, by the pids scripts/cluster.sh recorded: kill -9,
/// SIGSTOP/SIGCONT, and `scripts/cluster.sh up` to start again what is not running (with the test's ports, which
/// the script reads from the same environment variables).</summary>
internal static class ClusterProcess
{
    public static int Pid(string instance)
    {
        var file = Path.Combine(Cluster.RepositoryRoot, ".cluster", instance + ".pid");
        return int.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);
    }

    public static Task KillAsync(string instance) => Signal("-KILL", instance);
    public static Task FreezeAsync(string instance) => Signal("-STOP", instance);
    public static Task ThawAsync(string instance) => Signal("-CONT", instance);

    /// <summary>Starts whatever instance is not running and waits until the replicas have caught up.</summary>
    public static Task UpAsync() => PrivateMariaDb.RunAsync("bash", Path.Combine(Cluster.RepositoryRoot, "scripts", "cluster.sh"), "up");

    private static Task Signal(string signal, string instance) =>
        PrivateMariaDb.RunAsync("kill", signal, Pid(instance).ToString(CultureInfo.InvariantCulture));
}
