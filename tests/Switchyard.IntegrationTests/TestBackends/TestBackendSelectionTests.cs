using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.TestBackends;

/// <summary>Which backends a test run uses, from SWITCHYARD_TEST_BACKENDS; no server is needed.</summary>
public sealed class TestBackendSelectionTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("processes")]
    [InlineData("Processes")]
    public void WithoutTheVariableOrWithProcessesTheTestsUseTheServersOfClusterSh(string? value) =>
        Assert.Equal(TestBackendKind.Processes, TestBackendSelection.Parse(value));

    [Theory]
    [InlineData("containers")]
    [InlineData(" CONTAINERS ")]
    public void ContainersAreUsedOnlyWhenTheVariableAsksForThem(string value) =>
        Assert.Equal(TestBackendKind.Containers, TestBackendSelection.Parse(value));

    [Theory]
    [InlineData("docker")]
    [InlineData("container")]
    [InlineData("1")]
    public void AnUnknownValueIsAnErrorNamingTheVariableAndTheKnownValuesNotASilentDefault(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => TestBackendSelection.Parse(value));
        Assert.Contains($"SWITCHYARD_TEST_BACKENDS='{value}'", error.Message);
        Assert.Contains("'processes'", error.Message);
        Assert.Contains("'containers'", error.Message);
    }

    [Fact]
    public void ClusterShPortsAreItsDefaultsUnlessTheEnvironmentOverridesThem()
    {
        Assert.Equal(new ClusterEndpoints(3306, 3307, 3308), ClusterEndpoints.FromEnvironment(_ => null));
        var overridden = new Dictionary<string, string?>
        {
            ["SWITCHYARD_PRIMARY_PORT"] = "7306",
            ["SWITCHYARD_REPLICA1_PORT"] = "7307",
            ["SWITCHYARD_REPLICA2_PORT"] = "not a port",
        };
        Assert.Equal(new ClusterEndpoints(7306, 7307, 3308), ClusterEndpoints.FromEnvironment(overridden.GetValueOrDefault));
    }

    [Fact]
    public void TheClusterPortsTheTestsReadComeFromTheChosenBackends()
    {
        var expected = TestBackendSelection.FromEnvironment() == TestBackendKind.Containers
            ? ClusterBackends.Containers.Endpoints
            : ClusterEndpoints.FromEnvironment(Environment.GetEnvironmentVariable);
        Assert.Equal(expected, new ClusterEndpoints(Cluster.PrimaryPort, Cluster.Replica1Port, Cluster.Replica2Port));
    }

    [Fact]
    public void InTheProcessPathAskingForTheContainersIsAnErrorNotAStart()
    {
        if (ClusterBackends.Kind == TestBackendKind.Containers)
            return; // the opposite case: the container path's own tests cover it
        var error = Assert.Throws<InvalidOperationException>(() => ClusterBackends.Containers);
        Assert.Contains("SWITCHYARD_TEST_BACKENDS", error.Message);
    }
}
