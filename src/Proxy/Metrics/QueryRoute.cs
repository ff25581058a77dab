namespace Switchyard.Proxy.Metrics;

/// <summary>Where a completed statement ran, as the route label of switchyard_queries_total.</summary>
internal enum QueryRoute : byte
{
    /// <summary>The primary served it (writes, transactions, pinned sessions, fallbacks).</summary>
    Primary = 0,

    /// <summary>A replica served it.</summary>
    Replica = 1,
}
