namespace Switchyard.IntegrationTests.Support;

/// <summary>Where the cluster's three servers listen, on <see cref="Cluster.Host"/>.</summary>
internal sealed record ClusterEndpoints(int PrimaryPort, int Replica1Port, int Replica2Port)
{
    /// <summary>The ports scripts/cluster.sh uses: its defaults, or the same environment variables it reads.</summary>
    public static ClusterEndpoints FromEnvironment(Func<string, string?> environment) => new(
        Port(environment, "SWITCHYARD_PRIMARY_PORT", 3306),
        Port(environment, "SWITCHYARD_REPLICA1_PORT", 3307),
        Port(environment, "SWITCHYARD_REPLICA2_PORT", 3308));

    private static int Port(Func<string, string?> environment, string variable, int fallback) =>
        int.TryParse(environment(variable), out var port) ? port : fallback;
}
