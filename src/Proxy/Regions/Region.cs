using Switchyard.Proxy.Backends;
using Switchyard.Routing.Consistency;

namespace Switchyard.Proxy.Regions;

/// <summary>One region's backends as the router sees them, and what it remembers for the users homed there.</summary>
internal sealed class Region(string name, bool isLocal, BackendPool primary, BackendPool[] pools)
{
    public string Name { get; } = name;
    /// <summary>The proxy runs here.</summary>
    public bool IsLocal { get; } = isLocal;
    public BackendPool Primary { get; } = primary;
    /// <summary>Every backend of the region, its primary included.</summary>
    public BackendPool[] Pools { get; } = pools;
    /// <summary>The backend group name that restricts a read to this region's backends.</summary>
    public string ReadGroup { get; } = BackendEndpoint.RegionGroupPrefix + name;

    /// <summary>Where this region's users' writes went last ("" before the first): a change is a failover or failback.</summary>
    public string LastWriteRegion = "";

    /// <summary>GTIDs its users wrote in another region while it was down; null when none are outstanding.</summary>
    public volatile GtidSet? AwayGtids;

    /// <summary>What home must have applied before writes return: <see cref="AwayGtids"/> as it was when home was
    /// first seen back (null while home is down or nothing is outstanding).</summary>
    public volatile GtidSet? RecoveryTarget;

    /// <summary>Its primary can take writes now.</summary>
    public bool CanWrite => Primary.Endpoint is { IsAvailable: true } e && (e.Health is null || e.Health.AcceptsWrites);

    /// <summary>Some backend of it can serve reads now.</summary>
    public bool CanRead
    {
        get
        {
            foreach (var pool in Pools)
            {
                if (pool.Endpoint is { IsAvailable: true } e && (e.Health is null || e.Health.IsOnline))
                    return true;
            }
            return false;
        }
    }

    /// <summary>The smallest round trip the monitor measured to a serving backend of the region (null: none yet).</summary>
    public TimeSpan? RoundTrip
    {
        get
        {
            TimeSpan? best = null;
            foreach (var pool in Pools)
            {
                if (pool.Endpoint.Health is { IsOnline: true, RoundTrip: { } rtt } && (best is null || rtt < best))
                    best = rtt;
            }
            return best;
        }
    }
}
