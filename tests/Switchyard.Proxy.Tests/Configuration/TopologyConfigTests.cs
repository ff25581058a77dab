using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Tests.Support;

namespace Switchyard.Proxy.Tests.Configuration;

public sealed class TopologyConfigTests
{
    private const string TwoWriters = MinimalConfig.Yaml + """
          - name: second
            address: 127.0.0.1:3307
            role: primary
          - name: reader
            address: 127.0.0.1:3308

        """;

    [Fact]
    public void LoadYaml_NoTopologySection_PrimaryReplicaSingleActiveAutomatic30s()
    {
        var topology = ConfigLoader.LoadYaml(MinimalConfig.Yaml, "test").Topology;

        Assert.Equal(TopologyKind.PrimaryReplica, topology.Kind);
        Assert.Equal(WritePolicy.SingleActive, topology.WritePolicy);
        Assert.Equal(FailbackMode.Automatic, topology.Failback);
        Assert.Equal(TimeSpan.FromSeconds(30), topology.FailbackAfter);
        Assert.False(topology.HasSeveralWriters);
    }

    [Fact]
    public void LoadYaml_MultiPrimaryWithTwoWriters_LoadsEveryKeyAndKeepsTheWriterOrder()
    {
        var yaml = TwoWriters + "topology:\n  kind: multi-primary\n  write_policy: spread\n  failback: manual\n  failback_after: 2s\n";

        var config = ConfigLoader.LoadYaml(yaml, "test");

        Assert.Equal(new TopologyConfig { Kind = TopologyKind.MultiPrimary, WritePolicy = WritePolicy.Spread, Failback = FailbackMode.Manual, FailbackAfter = TimeSpan.FromSeconds(2) }, config.Topology);
        Assert.Equal(["primary", "second"], config.Backends.Where(b => b.Role == BackendRole.Primary).Select(b => b.Name));
    }

    [Fact]
    public void LoadYaml_Galera_HasSeveralWriters()
    {
        var config = ConfigLoader.LoadYaml(TwoWriters + "topology:\n  kind: galera\n", "test");

        Assert.True(config.Topology.HasSeveralWriters);
    }

    [Theory]
    [InlineData("kind: ring", "'topology.kind' must be primary-replica, multi-primary or galera, not 'ring'")]
    [InlineData("kind: multi-primary\n  write_policy: everywhere", "'topology.write_policy' must be single-active or spread, not 'everywhere'")]
    [InlineData("kind: multi-primary\n  failback: sometimes", "'topology.failback' must be automatic or manual, not 'sometimes'")]
    public void LoadYaml_UnknownTopologyValue_NamesTheKeyAndTheChoices(string section, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(TwoWriters + "topology:\n  " + section + "\n", "test"));

        Assert.Contains(e.Errors, error => error.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void LoadYaml_SpreadWithPrimaryReplica_Refused()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(MinimalConfig.Yaml + "topology:\n  write_policy: spread\n", "test"));

        Assert.Contains(e.Errors, error => error.Message.Contains("needs kind multi-primary or galera", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadYaml_MultiPrimaryWithoutAnyWriter_Refused()
    {
        var yaml = MinimalConfig.Yaml.Replace("role: primary", "role: replica") + "topology:\n  kind: multi-primary\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains(e.Errors, error => error.Message.Contains("needs at least one backend with role primary", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadYaml_NegativeFailbackAfter_Refused()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(TwoWriters + "topology:\n  kind: multi-primary\n  failback_after: -1s\n", "test"));

        Assert.Contains(e.Errors, error => error.Message.Contains("failback_after", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadYaml_UnknownTopologyKey_Refused()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(TwoWriters + "topology:\n  kind: multi-primary\n  writers: [a]\n", "test"));

        Assert.Contains(e.Errors, error => error.Message.Contains("writers", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadFile_ShippedMultiPrimaryExample_TwoWritersInOrderAndAReplica()
    {
        var path = Path.Combine(RepositoryRoot(), "config", "switchyard.multi-primary.yaml");

        var config = ConfigLoader.LoadFile(path);

        Assert.Equal(TopologyKind.MultiPrimary, config.Topology.Kind);
        Assert.Equal(["writer1", "writer2"], config.Backends.Where(b => b.Role == BackendRole.Primary).Select(b => b.Name));
        Assert.Equal("replica1", Assert.Single(config.Backends, b => b.Role == BackendRole.Replica).Name);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchyard.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Switchyard.sln not found above " + AppContext.BaseDirectory);
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
