using System.Reflection;
using DotNet.Testcontainers.Builders;
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

    [Theory]
    [InlineData("primary", 1, false)]
    [InlineData("replica1", 2, true)]
    [InlineData("replica2", 3, true)]
    public void EachContainerRunsMariaDbWithClusterShsOptionsOnAFixedHostPortUnderItsInstanceName(string name, int serverId, bool readOnly)
    {
        // Building the container needs an engine; the builder's configuration (protected) is what it would be built from.
        var configuration = (IContainerConfiguration)typeof(ContainerBuilder)
            .GetProperty("DockerResourceConfiguration", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)!
            .GetValue(ContainerCluster.Builder(name, 45678))!;
        Assert.Equal("mariadb:10.11", configuration.Image.FullName);
        Assert.Equal(ClusterSetup.ServerOptions(serverId, readOnly), configuration.Command);
        Assert.Contains($"--server-id={serverId}", configuration.Command);
        Assert.Equal(readOnly, configuration.Command.Contains("--read-only=1"));
        Assert.Equal([name], configuration.NetworkAliases);
        Assert.Equal("1", configuration.Environments["MARIADB_ALLOW_EMPTY_ROOT_PASSWORD"]);
        var binding = Assert.Single(configuration.PortBindings);
        Assert.Equal("45678", binding.Value);
        Assert.StartsWith("3306", binding.Key);
    }
}
