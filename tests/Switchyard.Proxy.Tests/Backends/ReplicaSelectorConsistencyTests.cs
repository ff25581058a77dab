using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Configuration;
using Switchyard.Routing.Balancing;
using Switchyard.Routing.Consistency;
using Switchyard.Routing.Health;

namespace Switchyard.Proxy.Tests.Backends;

/// <summary>Choosing replicas under a consistency requirement, and the replica to wait on.</summary>
public sealed class ReplicaSelectorConsistencyTests : IAsyncLifetime
{
    private readonly BackendConnector _connector = new(new BackendCredentials("switchyard", "secret"), new BackendTimeouts(), NullLogger.Instance);
    private readonly List<BackendPool> _pools = [];

    private static GtidSet Gtid(string text) => GtidSet.TryParse(text, out var set, out var error) ? set! : throw new ArgumentException(error);

    private static BackendHealth Online(double? lag, string? gtid) =>
        new(HealthState.Online, "", lag, null, TimeSpan.FromMilliseconds(1), gtid, DateTimeOffset.UtcNow);

    [Fact]
    public void Choose_MaxLag_OnlyReplicasMeasuredWithinTheBound()
    {
        var replicas = Pools(3);
        replicas[0].Endpoint.Health = Online(2.5, null);
        replicas[1].Endpoint.Health = Online(0.2, null);
        replicas[2].Endpoint.Health = Online(null, null);
        var selector = new ReplicaSelector(replicas, new RoundRobinPolicy(), NullLogger.Instance);

        var chosen = Enumerable.Range(0, 6).Select(_ => selector.Choose(0, new ReadRequirement(1.0, null), out ulong _)?.Endpoint.Name).ToList();

        Assert.All(chosen, name => Assert.Equal("r1", name));
    }

    [Fact]
    public void Choose_Gtid_MeasuredOrProvenPositionsQualify()
    {
        var replicas = Pools(3);
        replicas[0].Endpoint.Health = Online(0, "0-1-10");
        replicas[1].Endpoint.Health = Online(0, "0-1-4");
        replicas[2].Endpoint.Health = Online(0, "0-1-4");
        replicas[2].Endpoint.RecordProven(Gtid("0-1-12"));
        var selector = new ReplicaSelector(replicas, new RoundRobinPolicy(), NullLogger.Instance);

        var names = Enumerable.Range(0, 8).Select(_ => selector.Choose(0, new ReadRequirement(null, Gtid("0-1-9")), out ulong _)?.Endpoint.Name).ToHashSet();

        Assert.Equal(["r0", "r2"], names.Order());
        Assert.Null(selector.Choose(0, new ReadRequirement(null, Gtid("0-1-13")), out _));
    }

    [Fact]
    public void RecordProven_KeepsTheUnion()
    {
        var endpoint = Pools(1)[0].Endpoint;

        endpoint.RecordProven(Gtid("0-1-5"));
        endpoint.RecordProven(Gtid("0-1-3,1-2-7"));

        Assert.True(endpoint.KnownToHave(Gtid("0-1-5,1-2-7")));
        Assert.False(endpoint.KnownToHave(Gtid("0-1-6")));
    }

    [Fact]
    public void ChooseLeastLagged_PrefersTheSmallestMeasuredLagAndSkipsOfflineAndTried()
    {
        var replicas = Pools(3);
        replicas[0].Endpoint.Health = Online(2, null);
        replicas[1].Endpoint.Health = Online(0.1, null);
        replicas[2].Endpoint.Health = new BackendHealth(HealthState.Down, "down", 0, null, null, null, DateTimeOffset.UtcNow);
        var selector = new ReplicaSelector(replicas, new RoundRobinPolicy(), NullLogger.Instance);

        Assert.Equal("r1", selector.ChooseLeastLagged(0, out var bit)?.Endpoint.Name);
        Assert.Equal("r0", selector.ChooseLeastLagged(bit, out ulong _)?.Endpoint.Name);
        Assert.Null(selector.ChooseLeastLagged(0b011, out _));
    }

    [Fact]
    public void ChooseLeastLagged_EqualLag_Rotates()
    {
        var replicas = Pools(2);
        var selector = new ReplicaSelector(replicas, new RoundRobinPolicy(), NullLogger.Instance);

        var names = Enumerable.Range(0, 4).Select(_ => selector.ChooseLeastLagged(0, out ulong _)!.Endpoint.Name).ToHashSet();

        Assert.Equal(2, names.Count);
    }

    private List<BackendPool> Pools(int count)
    {
        var pools = new List<BackendPool>();
        for (var i = 0; i < count; i++)
        {
            var config = new BackendConfig { Name = $"r{i}", Host = "127.0.0.1", Port = 21000 + i, Role = BackendRole.Replica };
            pools.Add(new BackendPool(new BackendEndpoint(config), _connector, new PoolConfig(), NullLogger.Instance));
        }
        _pools.AddRange(pools);
        return pools;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var pool in _pools)
            await pool.DisposeAsync();
    }
}
