using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Logging;
using Switchyard.Routing.Balancing;
using Switchyard.Routing.Consistency;

namespace Switchyard.Proxy.Backends;

/// <summary>Picks the replica pool for a read with the configured balancing policy, among replicas that the monitor
/// finds online (any, while no monitor runs), that accept connections, and that were not already tried for this
/// statement.</summary>
internal sealed class ReplicaSelector(IReadOnlyList<BackendPool> replicas, IBalancingPolicy policy, ILogger logger)
{
    private int _fallingBack;
    private uint _waitRotation;

    /// <summary>Replicas beyond this many are not considered (the tried-set is a bit mask).</summary>
    public const int MaxReplicas = 64;

    public int Count => replicas.Count;

    /// <summary>Returns the chosen pool and its bit for <paramref name="tried"/>, or null when none is eligible.</summary>
    public BackendPool? Choose(ulong tried, out ulong bit) => Choose(tried, ReadRequirement.None, out bit);

    /// <summary>Like <see cref="Choose(ulong, out ulong)"/>, among replicas that also meet <paramref name="requirement"/>
    /// (a lag bound and/or a GTID; a GTID also counts as met when a wait on that replica proved it).</summary>
    /// <param name="group">A routing rule's backend group: only replicas in it (null: any).</param>
    public BackendPool? Choose(ulong tried, in ReadRequirement requirement, out ulong bit, string? group = null)
    {
        var constrained = requirement.MaxLagSeconds is not null || requirement.Gtid is not null;
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
            if (constrained && !Meets(endpoint, requirement))
                continue;
            if (group is not null && !endpoint.InGroup(group))
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

    private static bool Meets(BackendEndpoint endpoint, in ReadRequirement requirement)
    {
        if (requirement.IsMetBy(endpoint.Health))
            return true;
        // Between monitor checks a successful MASTER_GTID_WAIT is newer knowledge of the same replica.
        return requirement.Gtid is { } gtid && requirement.MaxLagSeconds is null && endpoint.ProvenGtids is { } proven && proven.Contains(gtid);
    }

    /// <summary>The online replica with the smallest measured lag (unknown lag last), not yet tried: the one most
    /// likely to reach a GTID soon, to wait on. Ties (equal lag, or none measured) rotate, so that waits — and the
    /// positions they prove — spread over equally good replicas. Null when none.</summary>
    public BackendPool? ChooseLeastLagged(ulong tried, out ulong bit, string? group = null)
    {
        bit = 0;
        BackendPool? best = null;
        var bestLag = double.MaxValue;
        var count = Math.Min(replicas.Count, MaxReplicas);
        if (count == 0)
            return null;
        var first = (int)(Interlocked.Increment(ref _waitRotation) % (uint)count);
        for (var n = 0; n < count; n++)
        {
            var i = (first + n) % count;
            var endpoint = replicas[i].Endpoint;
            if ((tried & (1UL << i)) != 0 || !endpoint.IsAvailable || endpoint.Config.Weight == 0 || endpoint.Health is { IsOnline: false })
                continue;
            if (group is not null && !endpoint.InGroup(group))
                continue;
            var lag = endpoint.Health?.LagSeconds ?? double.MaxValue / 2;
            if (best is null || lag < bestLag)
            {
                best = replicas[i];
                bestLag = lag;
                bit = 1UL << i;
            }
        }
        return best;
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
