namespace Switchyard.Routing.Consistency;

/// <summary>How read-your-writes knows that a backend has a write.</summary>
internal enum ReadYourWritesMode : byte
{
    /// <summary>Exact: the GTID of the write, compared with replica positions (MASTER_GTID_WAIT when needed).</summary>
    Gtid,

    /// <summary>The seed's: within a window after the reader's last write, reads go to the primary.</summary>
    Time,
}

/// <summary>
/// Turns a read's consistency level and what is known of the reader's writes into a <see cref="ReadPlan"/>. Pure.
/// </summary>
internal static class ConsistencyPlanner
{
    /// <param name="level">The effective level of this read.</param>
    /// <param name="lastWrite">The reader's last write (connection and user marks already combined: the later
    /// timestamp, GTIDs united), plus any <c>min_gtid</c> tag united in; null when the reader has not written.</param>
    /// <param name="mode">Read-your-writes mode.</param>
    /// <param name="timeWindow">Time mode: how long after a write reads stay on the primary.</param>
    /// <param name="now">The current <see cref="TimeProvider.GetTimestamp"/> value.</param>
    /// <param name="timestampFrequency">Ticks per second of those timestamps.</param>
    /// <remarks>Read-your-writes with no write → like eventual. Gtid mode with a mark lacking a GTID → falls back to
    /// the time rule for that mark (never weaker).</remarks>
    public static ReadPlan Plan(ConsistencyLevel level, WriteMark? lastWrite, ReadYourWritesMode mode, TimeSpan timeWindow, long now, long timestampFrequency)
    {
        switch (level.Kind)
        {
            case ConsistencyKind.Strong:
                return new ReadPlan(ReadPlanKind.Primary, ReadRequirement.None, "strong");
            case ConsistencyKind.BoundedStaleness:
                return new ReadPlan(ReadPlanKind.Replica, new ReadRequirement(level.MaxLagSeconds, null), "max_lag");
            case ConsistencyKind.ReadYourWrites:
                break;
            default:
                return new ReadPlan(ReadPlanKind.Replica, ReadRequirement.None, "eventual");
        }

        if (lastWrite is not { } mark)
        {
            return new ReadPlan(ReadPlanKind.Replica, ReadRequirement.None, "no write to wait for");
        }

        if (mode == ReadYourWritesMode.Gtid)
        {
            if (mark.Gtid is { } gtid)
            {
                return new ReadPlan(ReadPlanKind.ReplicaAfterGtid, new ReadRequirement(null, gtid), "wait for gtid");
            }

            return IsWithinWindow(mark, timeWindow, now, timestampFrequency)
                ? new ReadPlan(ReadPlanKind.Primary, ReadRequirement.None, "write gtid unknown, within time window")
                : new ReadPlan(ReadPlanKind.Replica, ReadRequirement.None, "write gtid unknown, time window passed");
        }

        return IsWithinWindow(mark, timeWindow, now, timestampFrequency)
            ? new ReadPlan(ReadPlanKind.Primary, ReadRequirement.None, "within time window")
            : new ReadPlan(ReadPlanKind.Replica, ReadRequirement.None, "time window passed");
    }

    private static bool IsWithinWindow(WriteMark mark, TimeSpan window, long now, long timestampFrequency)
    {
        // Double arithmetic, as Stopwatch.GetElapsedTime does: exact enough, and no overflow for long windows. A mark
        // from "the future" (a clock mix-up) has a negative age and so counts as within the window: the safe reading.
        double elapsedSeconds = (double)(now - mark.Timestamp) / timestampFrequency;
        return elapsedSeconds < window.TotalSeconds;
    }
}
