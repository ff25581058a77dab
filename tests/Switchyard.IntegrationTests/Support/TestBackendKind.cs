namespace Switchyard.IntegrationTests.Support;

/// <summary>How the integration tests get their primary and two replicas.</summary>
internal enum TestBackendKind
{
    /// <summary>Local mariadbd processes started by scripts/cluster.sh before the tests run (the default, and CI's).</summary>
    Processes,

    /// <summary>Three mariadb containers started by the test process itself through a Docker engine (opt-in).</summary>
    Containers,
}
