using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Configuration;
using Switchyard.Routing.Balancing;

namespace Switchyard.Proxy.Tests.Backends;

/// <summary>Pools are real but never leased from: constructing one opens no connection, so no server is needed.</summary>
public sealed class ReplicaSelectorTests : IAsyncLifetime
{
    private readonly BackendConnector _connector = new(new BackendCredentials("switchyard", "secret"), new BackendTimeouts(), NullLogger.Instance);
    private readonly List<BackendPool> _pools = [];

    [Fact]
    public void Choose_NoReplicas_ReturnsNull()
    {
        var selector = new ReplicaSelector([], new RoundRobinPolicy(), NullLogger.Instance);

        Assert.Null(selector.Choose(0, out var bit));
        Assert.Equal(0UL, bit);
    }

    [Fact]
    public void Choose_RoundRobin_SpreadsEvenlyOverReplicas()
    {
        var replicas = Pools(3);
        var selector = new ReplicaSelector(replicas, new RoundRobinPolicy(), NullLogger.Instance);

        var counts = Enumerable.Range(0, 30).Select(_ => selector.Choose(0, out ulong _)!).CountBy(p => p.Endpoint.Name).ToDictionary();

        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, c => Assert.Equal(10, c));
    }

    [Fact]
    public void Replace_WhileAStatementRetries_ItsTriedBitsStillMeanTheSameReplicas()
    {
        var replicas = Pools(3);
        var selector = new ReplicaSelector(replicas, new RoundRobinPolicy(), NullLogger.Instance);
        // Round-robin takes them in turn: r0, then r1, whose bit is the statement's tried mask.
        selector.Choose(0, out _);
        Assert.Same(replicas[1], selector.Choose(0, out var tried));

        // A reload removes r0, so r1 and r2 move up the list: r1's bit (tried) must still mean r1, not r2.
        selector.Replace([replicas[1], replicas[2]]);

        Assert.Same(replicas[2], selector.Choose(tried, out _));
        Assert.Same(replicas[2], selector.Choose(tried, out _));
        Assert.Equal(2, selector.Count);
    }

    [Fact]
    public void Replace_NewReplica_TakesAFreedSlotAndIsChosen()
    {
        var replicas = Pools(3);
        var selector = new ReplicaSelector(replicas[..2], new RoundRobinPolicy(), NullLogger.Instance);
        selector.Choose(0, out var bitOfR0);

        selector.Replace([replicas[1], replicas[2]]);

        var chosen = Enumerable.Range(0, 4).Select(_ => selector.Choose(0, out ulong _)).ToList();
        Assert.Contains(replicas[2], chosen);
        Assert.DoesNotContain(replicas[0], chosen);
        // r2 inherited r0's slot: a statement that had tried r0 skips it once, never r1.
        Assert.Same(replicas[1], selector.Choose(bitOfR0, out _));
    }

    [Fact]
    public void Choose_RoundRobin_TakesEachInTurn()
    {
        var replicas = Pools(3);
        var selector = new ReplicaSelector(replicas, new RoundRobinPolicy(), NullLogger.Instance);

        var names = Enumerable.Range(0, 6).Select(_ => selector.Choose(0, out ulong _)!.Endpoint.Name).ToList();

        Assert.Equal(["r0", "r1", "r2", "r0", "r1", "r2"], names);
    }

    [Fact]
    public void Choose_Chosen_ReturnsTheBitOfItsIndex()
    {
        var replicas = Pools(4);
        var selector = new ReplicaSelector(replicas, new RoundRobinPolicy(), NullLogger.Instance);

        for (var i = 0; i < 8; i++)
        {
            var pool = selector.Choose(0, out var bit)!;
            Assert.Equal(1UL << replicas.IndexOf(pool), bit);
        }
    }

    [Fact]
    public void Choose_ReplicaMarkedUnavailable_IsSkipped()
    {
        var replicas = Pools(3);
        replicas[1].Endpoint.MarkUnavailable(TimeSpan.FromHours(1));
        var selector = new ReplicaSelector(replicas, new RoundRobinPolicy(), NullLogger.Instance);

        var chosen = Enumerable.Range(0, 20).Select(_ => selector.Choose(0, out ulong _)).ToList();

        Assert.DoesNotContain(replicas[1], chosen);
        Assert.Contains(replicas[0], chosen);
        Assert.Contains(replicas[2], chosen);
    }

    [Fact]
    public void Choose_AllUnavailable_ReturnsNull()
    {
        var replicas = Pools(2);
        foreach (var pool in replicas)
            pool.Endpoint.MarkUnavailable(TimeSpan.FromHours(1));
        var selector = new ReplicaSelector(replicas, new RoundRobinPolicy(), NullLogger.Instance);

        Assert.Null(selector.Choose(0, out var bit));
        Assert.Equal(0UL, bit);
    }

    [Fact]
    public void Choose_UnavailableForZeroPeriod_IsAvailableAgain()
    {
        var replicas = Pools(1);
        replicas[0].Endpoint.MarkUnavailable(TimeSpan.Zero);
        var selector = new ReplicaSelector(replicas, new RoundRobinPolicy(), NullLogger.Instance);

        Assert.Same(replicas[0], selector.Choose(0, out _));
    }

    [Theory]
    [InlineData(BalancingPolicyNames.RoundRobin)]
    [InlineData(BalancingPolicyNames.Weighted)]
    [InlineData(BalancingPolicyNames.LeastConnections)]
    public void Choose_WeightZero_IsNeverChosen(string policy)
    {
        var replicas = Pools(3, weights: [1, 0, 2]);
        var selector = new ReplicaSelector(replicas, BalancingPolicies.Create(policy), NullLogger.Instance);

        var chosen = Enumerable.Range(0, 30).Select(_ => selector.Choose(0, out ulong _)).ToList();

        Assert.DoesNotContain(replicas[1], chosen);
        Assert.DoesNotContain(null, chosen);
    }

    [Fact]
    public void Choose_AllWeightZero_ReturnsNull()
    {
        var selector = new ReplicaSelector(Pools(2, weights: [0, 0]), new RoundRobinPolicy(), NullLogger.Instance);

        Assert.Null(selector.Choose(0, out _));
    }

    [Fact]
    public void Choose_Weighted_FollowsWeights()
    {
        var replicas = Pools(2, weights: [3, 1]);
        var selector = new ReplicaSelector(replicas, new WeightedPolicy(), NullLogger.Instance);

        var chosen = Enumerable.Range(0, 40).Select(_ => selector.Choose(0, out ulong _)).ToList();

        Assert.Equal(30, chosen.Count(p => p == replicas[0]));
        Assert.Equal(10, chosen.Count(p => p == replicas[1]));
    }

    [Fact]
    public void Choose_TriedBits_ExcludeThoseReplicas()
    {
        var replicas = Pools(3);
        var selector = new ReplicaSelector(replicas, new RoundRobinPolicy(), NullLogger.Instance);
        const ulong tried = 0b101;

        var chosen = Enumerable.Range(0, 10).Select(_ => selector.Choose(tried, out ulong _)).ToList();

        Assert.All(chosen, p => Assert.Same(replicas[1], p));
    }

    [Fact]
    public void Choose_AccumulatingTried_VisitsEachReplicaOnceThenNull()
    {
        var replicas = Pools(3);
        var selector = new ReplicaSelector(replicas, new RoundRobinPolicy(), NullLogger.Instance);
        ulong tried = 0;
        var visited = new List<BackendPool>();

        while (selector.Choose(tried, out var bit) is { } pool)
        {
            Assert.Equal(0UL, tried & bit);
            tried |= bit;
            visited.Add(pool);
            Assert.True(visited.Count <= 3, "a tried replica was chosen again");
        }

        Assert.Equal(replicas.OrderBy(p => p.Endpoint.Name), visited.OrderBy(p => p.Endpoint.Name));
        Assert.Equal(0b111UL, tried);
    }

    [Fact]
    public void Choose_AllTried_ReturnsNull()
    {
        var selector = new ReplicaSelector(Pools(3), new RoundRobinPolicy(), NullLogger.Instance);

        Assert.Null(selector.Choose(0b111, out var bit));
        Assert.Equal(0UL, bit);
    }

    [Fact]
    public void Choose_BeyondMaxReplicas_OnlyTheFirst64AreConsidered()
    {
        var replicas = Pools(ReplicaSelector.MaxReplicas + 1);
        var selector = new ReplicaSelector(replicas, new RoundRobinPolicy(), NullLogger.Instance);

        Assert.Equal(ReplicaSelector.MaxReplicas + 1, selector.Count);
        Assert.Null(selector.Choose(ulong.MaxValue, out _));
        var chosen = Enumerable.Range(0, 2 * ReplicaSelector.MaxReplicas).Select(_ => selector.Choose(0, out ulong _)).ToList();
        Assert.DoesNotContain(replicas[^1], chosen);
    }

    private List<BackendPool> Pools(int count, int[]? weights = null)
    {
        var pools = new List<BackendPool>();
        for (var i = 0; i < count; i++)
        {
            var config = new BackendConfig { Name = $"r{i}", Host = "127.0.0.1", Port = 20000 + i, Role = BackendRole.Replica, Weight = weights?[i] ?? 1 };
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
