namespace Switchyard.Proxy.Configuration;

/// <summary>The shape of the cluster behind the proxy (<c>topology:</c>): one primary with replicas, several writers
/// that replicate each other (master-master), or a Galera cluster.</summary>
public sealed record TopologyConfig
{
    public TopologyKind Kind { get; init; } = TopologyKind.PrimaryReplica;
    /// <summary>How writes spread over the writers (backends with role primary, in configuration order).</summary>
    public WritePolicy WritePolicy { get; init; } = WritePolicy.SingleActive;
    /// <summary>Whether writes go back to an earlier writer in the list once it is healthy again.</summary>
    public FailbackMode Failback { get; init; } = FailbackMode.Automatic;
    /// <summary>With automatic failback: how long an earlier writer must have been healthy before writes return to it.</summary>
    public TimeSpan FailbackAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>More than one backend may take writes.</summary>
    public bool HasSeveralWriters => Kind != TopologyKind.PrimaryReplica;
}

public enum TopologyKind
{
    /// <summary>Exactly one primary takes every write; replicas replicate from it (the default).</summary>
    PrimaryReplica,
    /// <summary>Several primaries (writers) replicate each other asynchronously, each with its own GTID domain;
    /// optional read-only replicas.</summary>
    MultiPrimary,
    /// <summary>A Galera cluster: every node can write, certification keeps them identical; only Synced nodes serve.</summary>
    Galera,
}

public enum WritePolicy
{
    /// <summary>All writes to one active writer (the first healthy one in order), so conflicts only arise around failovers.</summary>
    SingleActive,
    /// <summary>Writes spread over every healthy writer, for users who accept conflicts and configure resolution.</summary>
    Spread,
}

public enum FailbackMode
{
    /// <summary>Writes return to an earlier writer once it has been healthy for <see cref="TopologyConfig.FailbackAfter"/>.</summary>
    Automatic,
    /// <summary>Writes stay on the writer failed over to until an operator moves them (POST /writer or a reload).</summary>
    Manual,
}
