using System.Globalization;

namespace Switchyard.IntegrationTests.Support;

/// <summary>Real faults on the shared cluster's own servers, by the pids scripts/cluster.sh recorded: kill -9,
/// SIGSTOP/SIGCONT, and `scripts/cluster.sh up` to start again what is not running (with the test's ports, which
/// the script reads from the same environment variables). In the container path the same faults act on the
/// containers (<see cref="ContainerCluster"/>): kill, pause, unpause, and start again with the same setup.</summary>
internal static class ClusterProcess
{
    public static int Pid(string instance)
    {
        var file = Path.Combine(Cluster.RepositoryRoot, ".cluster", instance + ".pid");
        return int.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);
    }

    public static Task KillAsync(string instance) =>
        InContainers ? ClusterBackends.Containers.KillAsync(instance) : Signal("-KILL", instance);

    public static Task FreezeAsync(string instance) =>
        InContainers ? ClusterBackends.Containers.FreezeAsync(instance) : ProcessFreeze.StopAsync(Pid(instance));

    public static Task ThawAsync(string instance) =>
        InContainers ? ClusterBackends.Containers.ThawAsync(instance) : ProcessFreeze.ContinueAsync(Pid(instance));

    /// <summary>Starts whatever instance is not running and waits until the replicas have caught up.</summary>
    public static Task UpAsync() => InContainers
        ? ClusterBackends.Containers.UpAsync()
        : PrivateMariaDb.RunAsync("bash", Path.Combine(Cluster.RepositoryRoot, "scripts", "cluster.sh"), "up");

    private static bool InContainers => ClusterBackends.Kind == TestBackendKind.Containers;

    private static Task Signal(string signal, string instance) =>
        PrivateMariaDb.RunAsync("kill", signal, Pid(instance).ToString(CultureInfo.InvariantCulture));
}
