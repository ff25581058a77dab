namespace Switchyard.Proxy.Configuration;

/// <summary>Multi-region routing (<c>regions:</c>): every backend names its region, each region has one primary, and
/// a user's writes go to the user's home region. Absent: regions play no part in routing.</summary>
public sealed record RegionsConfig
{
    /// <summary>The region this proxy runs in: preferred for eventual reads when round trips tie.</summary>
    public required string Local { get; init; }
    /// <summary>Users whose home is set by hand (user key → region); all others are homed by a rendezvous hash of
    /// their user key over the regions, which moves as few users as possible when a region is added.</summary>
    public IReadOnlyDictionary<string, string> Homes { get; init; } = new Dictionary<string, string>();
    /// <summary>When a failed home region is back, writes return to it only once it has applied what its users wrote
    /// elsewhere meanwhile (caught-up), or at once (immediate).</summary>
    public RegionFailback Failback { get; init; } = RegionFailback.CaughtUp;
    /// <summary>Round trips closer than this count as equal, and the local region wins among equals.</summary>
    public TimeSpan TieTolerance { get; init; } = TimeSpan.FromMilliseconds(2);
}

public enum RegionFailback
{
    /// <summary>Writes go home again once home has applied every GTID its users wrote elsewhere while it was down.</summary>
    CaughtUp,
    /// <summary>Writes go home as soon as its primary is healthy.</summary>
    Immediate,
}
