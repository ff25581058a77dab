using DotNet.Testcontainers.Configurations;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.TestBackends;

/// <summary>How the container path fails when it cannot work; starting containers needs an engine, which the machines
/// this project is built on do not have (see the README).</summary>
public sealed class ContainerClusterTests
{
    [Fact]
    public void OptingInWithoutADockerEngineIsAnErrorNamingTheVariableNotAFallbackToProcesses()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ContainerCluster.RequireEngine(null));
        Assert.Contains("SWITCHYARD_TEST_BACKENDS=containers but no Docker engine was found", error.Message);
        Assert.Contains("unset SWITCHYARD_TEST_BACKENDS", error.Message);
    }

    [Fact]
    public async Task StartingTheContainersWhereNoEngineIsFoundFailsWithThatError()
    {
        // Where an engine is found, starting is the container path's whole run, not this test's business.
        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is not null)
            return;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ContainerCluster.StartAsync(CancellationToken.None));
        Assert.Contains("SWITCHYARD_TEST_BACKENDS=containers but no Docker engine was found", error.Message);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("::1")]
    public void AnEngineOnThisMachineIsAccepted(string hostname) => ContainerCluster.RequireLoopback(hostname);

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("docker.example")]
    public void ARemoteEngineIsRefusedBecauseTheTestsAndPrivateServersConnectToLoopback(string hostname)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ContainerCluster.RequireLoopback(hostname));
        Assert.Contains("SWITCHYARD_TEST_BACKENDS=containers needs a Docker engine on this machine", error.Message);
        Assert.Contains(hostname, error.Message);
    }
}
