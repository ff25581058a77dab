namespace Switchyard.Routing.Balancing;

/// <summary>
/// Smooth weighted round-robin (as in nginx): candidates in proportion to their weights, interleaved rather
/// than in bursts — weights 5/1/1 give a a b a c a a, not a a a a a b c.
/// </summary>
/// <remarks>
/// Each turn adds every candidate's weight to its running score, picks the highest score and subtracts the
/// total weight from it. The scores live in an array indexed like the candidates, guarded by a lock: the
/// critical section is a loop over a handful of candidates, cheaper than any lock-free scheme that would
/// still have to update several values together. The array grows only when more candidates appear than
/// ever before, so a call allocates nothing. When the candidate list changes (a replica leaves), scores
/// are stale for a moment but stay bounded, and the rotation settles within one round.
/// </remarks>
internal sealed class WeightedPolicy : IBalancingPolicy
{
    private readonly Lock _lock = new();
    private long[] _scores = new long[4];

    /// <inheritdoc />
    public string Name => BalancingPolicyNames.Weighted;

    /// <inheritdoc />
    public int Choose(ReadOnlySpan<BalancingCandidate> candidates)
    {
        if (candidates.Length <= 1)
        {
            return candidates.Length - 1;
        }

        bool skipDrained = CandidateSelection.SkipDrained(candidates);
        lock (_lock)
        {
            if (_scores.Length < candidates.Length)
            {
                Array.Resize(ref _scores, Math.Max(candidates.Length, _scores.Length * 2));
            }

            long[] scores = _scores;
            long total = 0;
            int best = -1;
            for (int i = 0; i < candidates.Length; i++)
            {
                // Drained candidates get weight 0 and so never win; when all are drained they count as 1 each.
                long weight = skipDrained ? Math.Max(0, candidates[i].Weight) : 1;
                if (weight == 0)
                {
                    continue;
                }

                scores[i] += weight;
                total += weight;
                if (best < 0 || scores[i] > scores[best])
                {
                    best = i;
                }
            }

            scores[best] -= total;
            return best;
        }
    }
}
