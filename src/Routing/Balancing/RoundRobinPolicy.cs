namespace Switchyard.Routing.Balancing;

/// <summary>
/// Each eligible candidate in turn. A shared Interlocked counter keeps the spread even across threads; weights
/// matter only as drained (≤ 0) or not.
/// </summary>
internal sealed class RoundRobinPolicy : IBalancingPolicy
{
    private long _counter = -1;

    /// <inheritdoc />
    public string Name => BalancingPolicyNames.RoundRobin;

    /// <inheritdoc />
    public int Choose(ReadOnlySpan<BalancingCandidate> candidates)
    {
        if (candidates.Length <= 1)
        {
            return candidates.Length - 1;
        }

        bool skipDrained = CandidateSelection.SkipDrained(candidates);
        int eligible = CandidateSelection.CountEligible(candidates, skipDrained);
        int ordinal = (int)(CandidateSelection.NextTurn(ref _counter) % eligible);
        return CandidateSelection.NthEligible(candidates, skipDrained, ordinal);
    }
}
