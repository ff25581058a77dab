using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Logging;
using Switchyard.Routing.Balancing;

namespace Switchyard.Proxy.Backends;

/// <summary>Picks the replica pool for a read with the configured balancing policy, among replicas that the monitor
/// finds online (any, while no monitor runs), that accept connections, and that were not already tried for this
/// statement.</summary>
internal sealed class ReplicaSelector(IReadOnlyList<BackendPool> replicas, IBalancingPolicy policy, ILogger logger)
{
    private int _fallingBack;

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
            var endpoint = pool.Endpoint;
            if ((tried & (1UL << i)) != 0 || !endpoint.IsAvailable || endpoint.Config.Weight == 0 || endpoint.Health is { IsOnline: false })
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

    /// <summary>Records whether reads meant for replicas are going to the primary; logs only the transitions, so an
    /// outage gives two lines, not one per statement.</summary>
    /// <returns>True when this call changed the state.</returns>
    public bool ReportFallback(bool fallingBack)
    {
        var value = fallingBack ? 1 : 0;
        if (Volatile.Read(ref _fallingBack) == value || Interlocked.Exchange(ref _fallingBack, value) == value)
            return false;
        if (fallingBack)
            Log.ReadsFallBackToPrimary(logger, replicas.Count);
        else
            Log.ReadsBackOnReplicas(logger);
        return true;
    }

    public bool IsFallingBack => Volatile.Read(ref _fallingBack) == 1;
}
