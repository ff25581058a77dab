namespace Switchyard.Routing.Balancing;

/// <summary>
/// The eligible candidate with the fewest active leases; among equals, each in turn (an Interlocked counter),
/// so an idle group still spreads new sessions instead of piling them on the first backend.
/// </summary>
internal sealed class LeastConnectionsPolicy : IBalancingPolicy
{
    private long _counter = -1;

    /// <inheritdoc />
    public string Name => BalancingPolicyNames.LeastConnections;

    /// <inheritdoc />
    public int Choose(ReadOnlySpan<BalancingCandidate> candidates)
    {
        if (candidates.Length <= 1)
        {
            return candidates.Length - 1;
        }

        bool skipDrained = CandidateSelection.SkipDrained(candidates);
        int fewest = int.MaxValue;
        int ties = 0;
        foreach (BalancingCandidate candidate in candidates)
        {
            if (!CandidateSelection.IsEligible(candidate, skipDrained))
            {
                continue;
            }

            if (candidate.ActiveLeases < fewest)
            {
                fewest = candidate.ActiveLeases;
                ties = 1;
            }
            else if (candidate.ActiveLeases == fewest)
            {
                ties++;
            }
        }

        int ordinal = ties == 1 ? 0 : (int)(CandidateSelection.NextTurn(ref _counter) % ties);
        for (int i = 0; i < candidates.Length; i++)
        {
            BalancingCandidate candidate = candidates[i];
            if (CandidateSelection.IsEligible(candidate, skipDrained) && candidate.ActiveLeases == fewest && ordinal-- == 0)
            {
                return i;
            }
        }

        return -1;
    }
}
