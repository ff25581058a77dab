using Switchyard.Routing.Balancing;

namespace Switchyard.Proxy.Backends;

/// <summary>Picks the replica pool for a read with the configured balancing policy, among replicas that are
/// available and not already tried for this statement.</summary>
internal sealed class ReplicaSelector(IReadOnlyList<BackendPool> replicas, IBalancingPolicy policy)
{
    /// <summary>Replicas beyond this many are not considered (the tried-set is a bit mask).</summary>
    public const int MaxReplicas = 64;

    public int Count => replicas.Count;

    /// <summary>Returns the chosen pool and its bit for <paramref name="tried"/>, or null when none is eligible.</summary>
    public BackendPool? Choose(ulong tried, out ulong bit)
    {
        bit = 0;
        var count = Math.Min(replicas.Count, MaxReplicas);
        if (count == 0)
            return null;
        Span<BalancingCandidate> candidates = stackalloc BalancingCandidate[count];
        Span<byte> indexes = stackalloc byte[count];
        var eligible = 0;
        for (var i = 0; i < count; i++)
        {
            var pool = replicas[i];
            if ((tried & (1UL << i)) != 0 || !pool.Endpoint.IsAvailable || pool.Endpoint.Config.Weight == 0)
                continue;
            candidates[eligible] = new BalancingCandidate(pool.Endpoint.Config.Weight, pool.LeasedConnections);
            indexes[eligible++] = (byte)i;
        }
        if (eligible == 0)
            return null;
        var choice = policy.Choose(candidates[..eligible]);
        if (choice < 0)
            return null;
        bit = 1UL << indexes[choice];
        return replicas[indexes[choice]];
    }
}
