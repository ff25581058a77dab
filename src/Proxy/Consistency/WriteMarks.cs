using Switchyard.Routing.Consistency;

namespace Switchyard.Proxy.Consistency;

/// <summary>Combines what is known of a reader's writes (its connection's, its user's, a min_gtid tag) into the one
/// mark <see cref="ConsistencyPlanner.Plan"/> takes. A helper of the proxy's own: the core's WriteMark has no
/// combination rule.</summary>
internal static class WriteMarks
{
    /// <summary>The later timestamp and the union of the GTIDs. A mark without a GTID (one whose GTID could not be
    /// learned) still inside the time window makes the result GTID-less too, so the planner applies the time rule
    /// (never weaker); one older than the window no longer constrains anything and is dropped.</summary>
    public static WriteMark? Combine(WriteMark? a, WriteMark? b, long now, long windowTicks)
    {
        a = Relevant(a, now, windowTicks);
        b = Relevant(b, now, windowTicks);
        if (a is not { } x)
            return b;
        if (b is not { } y)
            return a;
        var timestamp = Math.Max(x.Timestamp, y.Timestamp);
        if (x.Gtid is null || y.Gtid is null)
            return new WriteMark(timestamp, null);
        return new WriteMark(timestamp, x.Gtid.Union(y.Gtid));
    }

    private static WriteMark? Relevant(WriteMark? mark, long now, long windowTicks) =>
        mark is { Gtid: null } m && now - m.Timestamp > windowTicks ? null : mark;

    /// <summary>The mark of a connection or user after a further write: GTIDs accumulate (writes in several domains
    /// are all waited for); a write whose GTID is unknown makes the mark GTID-less (time rule).</summary>
    public static WriteMark After(WriteMark? previous, long now, GtidSet? gtid, long windowTicks)
    {
        if (gtid is null || Relevant(previous, now, windowTicks) is not { } p)
            return new WriteMark(now, gtid);
        return new WriteMark(now, p.Gtid is null ? null : p.Gtid.Union(gtid));
    }
}
