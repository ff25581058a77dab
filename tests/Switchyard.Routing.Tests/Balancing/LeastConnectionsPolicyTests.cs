using Switchyard.Routing.Balancing;

namespace Switchyard.Routing.Tests.Balancing;

public sealed class LeastConnectionsPolicyTests
{
    [Fact]
    public void Choose_OneWithFewestLeases_AlwaysThatOne()
    {
        var policy = new LeastConnectionsPolicy();
        BalancingCandidate[] candidates = [new(1, 4), new(1, 1), new(1, 3)];

        Assert.Equal([0, 100, 0], Picks.Count(policy, candidates, 100));
    }

    [Fact]
    public void Choose_TiedFewest_TiesInTurn()
    {
        var policy = new LeastConnectionsPolicy();
        BalancingCandidate[] candidates = [new(1, 2), new(1, 0), new(1, 7), new(1, 0)];

        Assert.Equal([1, 3, 1, 3], Picks.Sequence(policy, candidates, 4));
    }

    [Fact]
    public void Choose_AllIdle_EvenSpread()
    {
        var policy = new LeastConnectionsPolicy();
        BalancingCandidate[] candidates = [new(1, 0), new(5, 0), new(1, 0)];

        Assert.Equal([1000, 1000, 1000], Picks.Count(policy, candidates, 3000));
    }

    [Fact]
    public void Choose_DrainedHasFewestLeases_SkipsIt()
    {
        var policy = new LeastConnectionsPolicy();
        BalancingCandidate[] candidates = [new(1, 5), new(0, 0), new(1, 6)];

        Assert.Equal(0, policy.Choose(candidates));
    }
}
