using Switchyard.Routing.Health;

namespace Switchyard.Routing.Consistency;

/// <summary>Where a read may go, decided from its consistency level and the reader's last write.</summary>
internal enum ReadPlanKind : byte
{
    /// <summary>The primary (strong, or read-your-writes in time mode within the window).</summary>
    Primary,

    /// <summary>A replica that satisfies <see cref="ReadRequirement"/>; the primary when none does.</summary>
    Replica,

    /// <summary>Read-your-writes in gtid mode: a replica whose known position contains <see cref="ReadRequirement.Gtid"/>;
    /// when none is known to, wait on the most promising replica up to the configured timeout, else the primary.</summary>
    ReplicaAfterGtid,
}

/// <summary>What a replica must satisfy to serve a read.</summary>
/// <param name="MaxLagSeconds">Measured lag at most this (a replica with unknown lag does not qualify); null: no bound.</param>
/// <param name="Gtid">The replica's known GTID position must contain this; null: no requirement.</param>
internal readonly record struct ReadRequirement(double? MaxLagSeconds, GtidSet? Gtid)
{
    public static ReadRequirement None => default;

    /// <summary>True when the replica's last measured health meets the requirement (online is checked elsewhere).</summary>
    public bool IsMetBy(BackendHealth? health)
    {
        if (health is null)
        {
            return MaxLagSeconds is null && Gtid is null;
        }

        if (MaxLagSeconds is { } bound && !(health.LagSeconds is { } lag && lag <= bound))
        {
            return false;
        }

        return Gtid is null || (health.Gtids is { } position && position.Contains(Gtid));
    }
}

/// <summary>The consistency decision for one read.</summary>
internal readonly record struct ReadPlan(ReadPlanKind Kind, ReadRequirement Requirement, string Reason);
