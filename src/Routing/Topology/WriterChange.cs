namespace Switchyard.Routing.Topology;

/// <summary>Why the active writer changed in an election (also the <c>reason</c> label of the failover counter).</summary>
internal enum WriterChange : byte
{
    /// <summary>No change: the active writer stays.</summary>
    None,

    /// <summary>The first election (start-up): there was no active writer to move from.</summary>
    Initial,

    /// <summary>The active writer became unhealthy: writes moved to the next healthy one in order.</summary>
    Failover,

    /// <summary>An earlier writer in the order has been healthy for the failback delay: writes returned to it.</summary>
    Failback,

    /// <summary>An operator asked for this writer (POST /writer).</summary>
    Switchover,

    /// <summary>The active writer became unhealthy and no other writer is healthy: writes fail until one is.</summary>
    Lost,

    /// <summary>There was no active writer and now one is healthy again.</summary>
    Recovered,
}
