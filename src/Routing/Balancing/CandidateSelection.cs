namespace Switchyard.Routing.Balancing;

/// <summary>Helpers the policies share: which candidates are eligible and picking the n-th of them.</summary>
internal static class CandidateSelection
{
    /// <summary>
    /// True when drained candidates (weight ≤ 0) must be skipped, i.e. at least one has a positive weight.
    /// When all are drained they are all eligible: sending traffic somewhere beats failing it.
    /// </summary>
    public static bool SkipDrained(ReadOnlySpan<BalancingCandidate> candidates)
    {
        foreach (BalancingCandidate candidate in candidates)
        {
            if (candidate.Weight > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the candidate may be chosen.</summary>
    public static bool IsEligible(BalancingCandidate candidate, bool skipDrained) => !skipDrained || candidate.Weight > 0;

    /// <summary>The number of eligible candidates.</summary>
    public static int CountEligible(ReadOnlySpan<BalancingCandidate> candidates, bool skipDrained)
    {
        if (!skipDrained)
        {
            return candidates.Length;
        }

        int count = 0;
        foreach (BalancingCandidate candidate in candidates)
        {
            count += candidate.Weight > 0 ? 1 : 0;
        }

        return count;
    }

    /// <summary>The index of the <paramref name="ordinal"/>-th (from 0) eligible candidate.</summary>
    public static int NthEligible(ReadOnlySpan<BalancingCandidate> candidates, bool skipDrained, int ordinal)
    {
        for (int i = 0; i < candidates.Length; i++)
        {
            if (IsEligible(candidates[i], skipDrained) && ordinal-- == 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A non-negative turn number from a shared counter; wraps harmlessly after 2^63 turns.</summary>
    public static long NextTurn(ref long counter) => Interlocked.Increment(ref counter) & long.MaxValue;
}
