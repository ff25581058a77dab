using Switchyard.Routing.Balancing;

namespace Switchyard.Routing.Tests.Balancing;

public sealed class RoundRobinPolicyTests
{
    [Fact]
    public void Choose_ThreeCandidates_EachInTurn()
    {
        var policy = new RoundRobinPolicy();
        BalancingCandidate[] candidates = [new(1, 0), new(1, 0), new(1, 0)];

        Assert.Equal([0, 1, 2, 0, 1, 2], Picks.Sequence(policy, candidates, 6));
    }

    [Fact]
    public void Choose_DifferentWeights_WeightsIgnored()
    {
        var policy = new RoundRobinPolicy();
        BalancingCandidate[] candidates = [new(1, 0), new(2, 0), new(3, 0)];

        Assert.Equal([1000, 1000, 1000], Picks.Count(policy, candidates, 3000));
    }

    [Fact]
    public void Choose_MiddleDrained_OthersAlternate()
    {
        var policy = new RoundRobinPolicy();
        BalancingCandidate[] candidates = [new(1, 0), new(0, 0), new(1, 0)];

        Assert.Equal([0, 2, 0, 2], Picks.Sequence(policy, candidates, 4));
    }
}
