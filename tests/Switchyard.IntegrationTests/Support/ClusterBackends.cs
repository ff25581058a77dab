namespace Switchyard.IntegrationTests.Support;

/// <summary>
/// The cluster the tests run against, chosen once per test process by <see cref="TestBackendSelection.Variable"/>. For
/// processes it is only the ports scripts/cluster.sh listens on (the script runs before the tests); for containers the
/// first test that needs a port starts the three containers, which every later test shares and which are removed when
/// the process exits. A failed choice or start is remembered, so every test reports the same error instead of
/// starting containers again.
/// </summary>
internal static class ClusterBackends
{
    private static readonly Lazy<TestBackendKind> s_kind = new(TestBackendSelection.FromEnvironment);
    private static readonly Lazy<ContainerCluster> s_containers = new(StartContainers);
    private static readonly Lazy<ClusterEndpoints> s_endpoints = new(() => Kind switch
    {
        TestBackendKind.Containers => s_containers.Value.Endpoints,
        _ => ClusterEndpoints.FromEnvironment(Environment.GetEnvironmentVariable),
    });

    public static TestBackendKind Kind => s_kind.Value;

    public static ClusterEndpoints Endpoints => s_endpoints.Value;

    /// <summary>The running containers; only in the container path.</summary>
    public static ContainerCluster Containers => Kind == TestBackendKind.Containers
        ? s_containers.Value
        : throw new InvalidOperationException($"the tests run against scripts/cluster.sh's servers, not containers ({TestBackendSelection.Variable} is not '{TestBackendSelection.ContainersValue}')");

    private static ContainerCluster StartContainers()
    {
        // Static properties (Cluster.PrimaryPort) cannot await. Task.Run keeps the start off whichever test's
        // synchronisation context touched a port first, so blocking on it cannot deadlock that context.
        var cluster = Task.Run(() => ContainerCluster.StartAsync(CancellationToken.None)).GetAwaiter().GetResult();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return cluster;
    }
}
