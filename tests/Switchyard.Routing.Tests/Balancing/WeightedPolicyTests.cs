using Switchyard.Routing.Balancing;

namespace Switchyard.Routing.Tests.Balancing;

public sealed class WeightedPolicyTests
{
    [Fact]
    public void Choose_Weights123_3000PicksInProportion()
    {
        var policy = new WeightedPolicy();
        BalancingCandidate[] candidates = [new(1, 0), new(2, 0), new(3, 0)];

        int[] counts = Picks.Count(policy, candidates, 3000);

        Assert.InRange(counts[0], 490, 510);
        Assert.InRange(counts[1], 990, 1010);
        Assert.InRange(counts[2], 1490, 1510);
    }

    [Fact]
    public void Choose_Weights511_InterleavedLikeNginx()
    {
        var policy = new WeightedPolicy();
        BalancingCandidate[] candidates = [new(5, 0), new(1, 0), new(1, 0)];

        Assert.Equal([0, 0, 1, 0, 2, 0, 0], Picks.Sequence(policy, candidates, 7));
    }

    [Fact]
    public void Choose_EqualWeights_EachInTurn()
    {
        var policy = new WeightedPolicy();
        BalancingCandidate[] candidates = [new(10, 0), new(10, 0)];

        Assert.Equal([0, 1, 0, 1], Picks.Sequence(policy, candidates, 4));
    }

    [Fact]
    public void Choose_ZeroWeight_NeverChosen()
    {
        var policy = new WeightedPolicy();
        BalancingCandidate[] candidates = [new(0, 0), new(3, 0), new(1, 0)];

        Assert.Equal([0, 750, 250], Picks.Count(policy, candidates, 1000));
    }

    [Fact]
    public void Choose_CandidateListChanges_SettlesToNewWeights()
    {
        var policy = new WeightedPolicy();
        Picks.Count(policy, [new(1, 0), new(9, 0), new(5, 0), new(5, 0), new(5, 0)], 37);

        int[] counts = Picks.Count(policy, [new(1, 0), new(3, 0)], 400);

        Assert.InRange(counts[0], 95, 105);
        Assert.InRange(counts[1], 295, 305);
    }
}
