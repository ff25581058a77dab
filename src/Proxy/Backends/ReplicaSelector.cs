using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Logging;
using Switchyard.Routing.Balancing;
using Switchyard.Routing.Consistency;

namespace Switchyard.Proxy.Backends;

/// <summary>Picks the replica pool for a read with the configured balancing policy, among replicas that the monitor
/// finds online (any, while no monitor runs), that accept connections, and that were not already tried for this
/// statement.
/// The replica set is an immutable array swapped whole by a reload (<see cref="Replace"/>): each call reads it once,
/// so the read path takes no lock and allocates nothing. A statement's "tried" mask spans several calls that may see
/// different arrays, so its bits are not array positions but slots that stay with a pool for as long as it is in the
/// set; a slot freed by a removal and given to a new replica at most makes an in-flight statement skip that new
/// replica once.</summary>
internal sealed class ReplicaSelector
{
    private readonly IBalancingPolicy _policy;
    private readonly ILogger _logger;
    private volatile Entry[] _replicas = [];
    // Replicas configured, also beyond MaxReplicas (a bound on retries, not a promise of eligibility).
    private volatile int _count;
    private int _fallingBack;
    private uint _waitRotation;

    public ReplicaSelector(IReadOnlyList<BackendPool> replicas, IBalancingPolicy policy, ILogger logger)
    {
        _policy = policy;
        _logger = logger;
        Replace(replicas);
    }

    /// <summary>Replicas beyond this many are not considered (the tried-set is a bit mask).</summary>
    public const int MaxReplicas = 64;

    public int Count => _count;

    /// <summary>The replicas in rotation now.</summary>
    public IReadOnlyList<BackendPool> Pools => Array.ConvertAll(_replicas, e => e.Pool);

    /// <summary>Makes <paramref name="replicas"/> the set in rotation: pools already in it keep their slot, new ones get
    /// the lowest free slots. Callers serialise replacements (reloads are serialised); readers never wait.</summary>
    public void Replace(IReadOnlyList<BackendPool> replicas)
    {
        _replicas = Slotted(replicas, _replicas);
        _count = replicas.Count;
    }

    private static Entry[] Slotted(IReadOnlyList<BackendPool> replicas, Entry[] previous)
    {
        var count = Math.Min(replicas.Count, MaxReplicas);
        var entries = new Entry[count];
        ulong used = 0;
        var kept = new int[count];
        for (var i = 0; i < count; i++)
        {
            kept[i] = -1;
            foreach (var old in previous)
            {
                if (ReferenceEquals(old.Pool, replicas[i]))
                {
                    kept[i] = old.Slot;
                    used |= 1UL << old.Slot;
                    break;
                }
            }
        }
        for (var i = 0; i < count; i++)
        {
            var slot = kept[i];
            if (slot < 0)
            {
                slot = System.Numerics.BitOperations.TrailingZeroCount(~used);
                used |= 1UL << slot;
            }
            entries[i] = new Entry(replicas[i], slot);
        }
        return entries;
    }

    /// <summary>Returns the chosen pool and its bit for <paramref name="tried"/>, or null when none is eligible.</summary>
    public BackendPool? Choose(ulong tried, out ulong bit) => Choose(tried, ReadRequirement.None, out bit);

    /// <summary>Like <see cref="Choose(ulong, out ulong)"/>, among replicas that also meet <paramref name="requirement"/>
    /// (a lag bound and/or a GTID; a GTID also counts as met when a wait on that replica proved it).</summary>
    /// <param name="group">A routing rule's backend group: only replicas in it (null: any).</param>
    public BackendPool? Choose(ulong tried, in ReadRequirement requirement, out ulong bit, string? group = null)
    {
        var constrained = requirement.MaxLagSeconds is not null || requirement.Gtid is not null;
        bit = 0;
        var replicas = _replicas;
        var count = replicas.Length;
        if (count == 0)
            return null;
        Span<BalancingCandidate> candidates = stackalloc BalancingCandidate[count];
        Span<byte> indexes = stackalloc byte[count];
        var eligible = 0;
        for (var i = 0; i < count; i++)
        {
            var (pool, slot) = replicas[i];
            var endpoint = pool.Endpoint;
            if ((tried & (1UL << slot)) != 0 || !endpoint.InRotation)
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
        var choice = _policy.Choose(candidates[..eligible]);
        if (choice < 0)
            return null;
        var chosen = replicas[indexes[choice]];
        bit = 1UL << chosen.Slot;
        return chosen.Pool;
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
        var replicas = _replicas;
        var count = replicas.Length;
        if (count == 0)
            return null;
        var first = (int)(Interlocked.Increment(ref _waitRotation) % (uint)count);
        for (var n = 0; n < count; n++)
        {
            var i = (first + n) % count;
            var (pool, slot) = replicas[i];
            var endpoint = pool.Endpoint;
            if ((tried & (1UL << slot)) != 0 || !endpoint.InRotation)
                continue;
            if (group is not null && !endpoint.InGroup(group))
                continue;
            var lag = endpoint.Health?.LagSeconds ?? double.MaxValue / 2;
            if (best is null || lag < bestLag)
            {
                best = pool;
                bestLag = lag;
                bit = 1UL << slot;
            }
        }
        return best;
    }

    /// <summary>Records whether a read meant for a replica went to the primary; logs only the transitions, so an
    /// outage gives two lines, not one per statement. Without replicas configured the primary serves reads as a matter of
    /// course: nothing is recorded.</summary>
    /// <returns>True when the read is a fallback to count: the primary served it while replicas are configured.</returns>
    public bool ReportFallback(bool fallingBack)
    {
        if (_count == 0)
            return false;
        var value = fallingBack ? 1 : 0;
        if (Volatile.Read(ref _fallingBack) == value || Interlocked.Exchange(ref _fallingBack, value) == value)
            return fallingBack;
        if (fallingBack)
            Log.ReadsFallBackToPrimary(_logger, Count);
        else
            Log.ReadsBackOnReplicas(_logger);
        return fallingBack;
    }

    public bool IsFallingBack => Volatile.Read(ref _fallingBack) == 1;

    /// <summary>A replica in rotation and its bit in a statement's tried mask.</summary>
    private readonly record struct Entry(BackendPool Pool, int Slot);
}
