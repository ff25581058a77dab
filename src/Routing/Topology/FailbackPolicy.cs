namespace Switchyard.Routing.Topology;

/// <summary>Whether writes return to an earlier writer in the failover order once it is healthy again.</summary>
internal enum FailbackPolicy : byte
{
    /// <summary>Writes return to the earliest writer that has been healthy for the failback delay.</summary>
    Automatic,

    /// <summary>Writes stay where a failover put them until an operator moves them.</summary>
    Manual,
}
