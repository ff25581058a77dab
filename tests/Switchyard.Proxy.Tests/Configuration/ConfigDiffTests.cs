using Switchyard.Proxy.Configuration;

namespace Switchyard.Proxy.Tests.Configuration;

public sealed class ConfigDiffTests
{
    private static readonly BackendConfig Primary = new() { Name = "primary", Host = "127.0.0.1", Port = 3306, Role = BackendRole.Primary };
    private static readonly BackendConfig Replica = new() { Name = "replica1", Host = "127.0.0.1", Port = 3307, Role = BackendRole.Replica };

    [Fact]
    public void RestartOnlyChanges_ReplicaAddedRemovedOrChanged_NeedsNoRestart()
    {
        var running = new SwitchyardConfig { Backends = [Primary, Replica] };

        Assert.Empty(ConfigDiff.RestartOnlyChanges(running, running with { Backends = [Primary] }));
        Assert.Empty(ConfigDiff.RestartOnlyChanges(running, running with { Backends = [Primary, Replica with { Weight = 5 }] }));
        Assert.Empty(ConfigDiff.RestartOnlyChanges(running, running with { Backends = [Primary, Replica, Replica with { Name = "replica2", Port = 3308 }] }));
    }

    [Fact]
    public void RestartOnlyChanges_PrimaryChanged_NeedsARestart()
    {
        var running = new SwitchyardConfig { Backends = [Primary, Replica] };

        var changed = ConfigDiff.RestartOnlyChanges(running, running with { Backends = [Primary with { Port = 3309 }, Replica] });

        Assert.Equal(["backends (the primary)"], changed);
    }

    [Fact]
    public void RestartOnlyChanges_TopologyOrWritersChanged_NeedsARestart()
    {
        var multiPrimary = new TopologyConfig { Kind = TopologyKind.MultiPrimary };
        var second = Primary with { Name = "writer2", Port = 3310 };
        var running = new SwitchyardConfig { Backends = [Primary, second, Replica], Topology = multiPrimary };

        Assert.Equal(["topology"], ConfigDiff.RestartOnlyChanges(running, running with { Topology = multiPrimary with { Failback = FailbackMode.Manual } }));
        Assert.Equal(["backends (the writers)"], ConfigDiff.RestartOnlyChanges(running, running with { Backends = [second, Primary, Replica] }));
        Assert.Empty(ConfigDiff.RestartOnlyChanges(running, running with { Topology = multiPrimary with { } }));
    }

    [Fact]
    public void SameBackend_WeightOrLagLimitDiffers_IsAnotherBackend()
    {
        Assert.True(ConfigDiff.SameBackend(Replica, Replica with { }));
        Assert.False(ConfigDiff.SameBackend(Replica, Replica with { Weight = 2 }));
        Assert.False(ConfigDiff.SameBackend(Replica, Replica with { MaxReplicationLag = TimeSpan.FromSeconds(3) }));
    }
}
