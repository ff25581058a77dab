using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Tests.Support;

namespace Switchyard.Proxy.Tests.Configuration;

public sealed class TopologyConfigTests
{
    private const string TwoWriters = MinimalConfig.Yaml + "  - name: second\n    address: 127.0.0.1:3307\n    role: primary\n";

    [Fact]
    public void LoadYaml_NoTopology_IsOnePrimaryWithReplicas()
    {
        var topology = ConfigLoader.LoadYaml(MinimalConfig.Yaml, "test").Topology;

        Assert.Equal(new TopologyConfig(), topology);
        Assert.False(topology.HasSeveralWriters);
    }

    [Fact]
    public void LoadYaml_MultiPrimaryWithTwoWriters_ReadsEveryKey()
    {
        var config = ConfigLoader.LoadYaml(TwoWriters + "topology: { kind: multi-primary, write_policy: spread, failback: manual, failback_after: 5s }\n", "test");

        Assert.Equal(TopologyKind.MultiPrimary, config.Topology.Kind);
        Assert.Equal(WritePolicy.Spread, config.Topology.WritePolicy);
        Assert.Equal(FailbackMode.Manual, config.Topology.Failback);
        Assert.Equal(TimeSpan.FromSeconds(5), config.Topology.FailbackAfter);
        Assert.Equal(["primary", "second"], config.Backends.Where(b => b.Role == BackendRole.Primary).Select(b => b.Name));
    }

    [Theory]
    [InlineData("topology: { kind: ring }", "'topology.kind' must be primary-replica, multi-primary or galera, not 'ring'")]
    [InlineData("topology: { kind: galera, write_policy: all }", "'topology.write_policy' must be single-active or spread, not 'all'")]
    [InlineData("topology: { kind: galera, failback: never }", "'topology.failback' must be automatic or manual, not 'never'")]
    [InlineData("topology: { write_policy: spread }", "'topology.write_policy: spread' needs kind multi-primary or galera (a primary-replica topology has one writer)")]
    public void LoadYaml_BadTopology_ReportsTheProblem(string section, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(MinimalConfig.Yaml + section + "\n", "test"));

        Assert.Contains(expected, e.Errors.Select(x => x.Message));
    }

    [Fact]
    public void LoadYaml_MultiPrimaryWithoutAWriter_IsRejected()
    {
        var yaml = MinimalConfig.Yaml.Replace("role: primary", "role: replica") + "topology: { kind: multi-primary }\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains("a multi-primary or galera topology needs at least one backend with role primary (a writer)", e.Errors.Select(x => x.Message));
    }

    [Fact]
    public void LoadYaml_Galera_ReadYourWritesDefaultsToTheTimeWindow()
    {
        var config = ConfigLoader.LoadYaml(TwoWriters + "topology: { kind: galera }\n", "test");

        Assert.Equal(ReadYourWritesModeSetting.Time, config.Consistency.ReadYourWrites.Mode);
        Assert.Equal(ReadYourWritesModeSetting.Gtid, ConfigLoader.LoadYaml(TwoWriters + "topology: { kind: multi-primary }\n", "test").Consistency.ReadYourWrites.Mode);
    }

    [Fact]
    public void LoadYaml_GaleraWithGtidReadYourWrites_IsRejected()
    {
        var yaml = TwoWriters + "topology: { kind: galera }\nconsistency: { read_your_writes: { mode: gtid } }\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains("gtid' does not work with topology.kind galera", Assert.Single(e.Errors).Message);
    }
}
