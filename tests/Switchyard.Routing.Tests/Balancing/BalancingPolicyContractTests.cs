using Switchyard.Routing.Balancing;

namespace Switchyard.Routing.Tests.Balancing;

/// <summary>What every policy promises, whatever its strategy.</summary>
public sealed class BalancingPolicyContractTests
{
    public static TheoryData<string> Names => [BalancingPolicyNames.RoundRobin, BalancingPolicyNames.Weighted, BalancingPolicyNames.LeastConnections];

    [Theory]
    [MemberData(nameof(Names))]
    public void Choose_NoCandidates_MinusOne(string name)
    {
        Assert.Equal(-1, BalancingPolicies.Create(name).Choose([]));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Choose_OneCandidate_Zero(string name)
    {
        IBalancingPolicy policy = BalancingPolicies.Create(name);

        Assert.Equal(0, policy.Choose([new BalancingCandidate(1, 5)]));
        Assert.Equal(0, policy.Choose([new BalancingCandidate(0, 0)]));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Choose_DrainedCandidate_NeverChosen(string name)
    {
        IBalancingPolicy policy = BalancingPolicies.Create(name);
        BalancingCandidate[] candidates = [new(1, 3), new(0, 0), new(2, 3)];

        int[] counts = Picks.Count(policy, candidates, 300);

        Assert.Equal(0, counts[1]);
        Assert.Equal(300, counts[0] + counts[2]);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Choose_AllDrained_SpreadOverAll(string name)
    {
        IBalancingPolicy policy = BalancingPolicies.Create(name);
        BalancingCandidate[] candidates = [new(0, 0), new(0, 0), new(-1, 0)];

        int[] counts = Picks.Count(policy, candidates, 300);

        Assert.Equal([100, 100, 100], counts);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Choose_ConcurrentCallers_EveryPickValidAndSpread(string name)
    {
        IBalancingPolicy policy = BalancingPolicies.Create(name);
        BalancingCandidate[] candidates = [new(1, 0), new(1, 0), new(1, 0)];
        var counts = new int[3];
        int invalid = 0;

        Parallel.For(0, 30_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            int index = policy.Choose(candidates);
            if (index is < 0 or > 2)
            {
                Interlocked.Increment(ref invalid);
                return;
            }

            Interlocked.Increment(ref counts[index]);
        });

        Assert.Equal(0, invalid);
        // Every policy hands out distinct turns under contention, so the shares stay exact.
        Assert.Equal([10_000, 10_000, 10_000], counts);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Choose_AfterWarmUp_AllocatesNothing(string name)
    {
        IBalancingPolicy policy = BalancingPolicies.Create(name);
        BalancingCandidate[] candidates = [new(1, 2), new(2, 1), new(3, 1), new(0, 0)];
        policy.Choose(candidates);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            policy.Choose(candidates);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
