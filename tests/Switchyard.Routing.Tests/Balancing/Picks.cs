using Switchyard.Routing.Balancing;

namespace Switchyard.Routing.Tests.Balancing;

internal static class Picks
{
    /// <summary>Calls the policy <paramref name="picks"/> times and counts how often each index was chosen.</summary>
    public static int[] Count(IBalancingPolicy policy, BalancingCandidate[] candidates, int picks)
    {
        var counts = new int[candidates.Length];
        for (int i = 0; i < picks; i++)
        {
            counts[policy.Choose(candidates)]++;
        }

        return counts;
    }

    /// <summary>The indices chosen by <paramref name="picks"/> calls, in order.</summary>
    public static int[] Sequence(IBalancingPolicy policy, BalancingCandidate[] candidates, int picks)
    {
        var sequence = new int[picks];
        for (int i = 0; i < picks; i++)
        {
            sequence[i] = policy.Choose(candidates);
        }

        return sequence;
    }
}
