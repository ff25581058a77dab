using System.Diagnostics;
using Switchyard.Proxy.Configuration;
using Switchyard.Routing.Consistency;
using Switchyard.Routing.Health;

namespace Switchyard.Proxy.Backends;

/// <summary>A configured backend server and what the proxy has learned about it.</summary>
internal sealed class BackendEndpoint(BackendConfig config)
{
    private long _unavailableUntil;

    public BackendConfig Config { get; } = config;
    public string Name => Config.Name;
    public string Address => Config.Address;
    public bool IsPrimary => Config.Role == BackendRole.Primary;

    /// <summary>The greeting of the last successful connection: version string, capabilities, charset.</summary>
    public volatile BackendGreeting? LastGreeting;

    /// <summary>The monitor's latest conclusion, swapped as a whole (null while no monitor runs).</summary>
    public volatile BackendHealth? Health;

    private GtidSet? _provenGtids;

    /// <summary>The highest GTID position a successful MASTER_GTID_WAIT on this replica proved it has applied: newer
    /// than the monitor's last check between checks, so the next read for that GTID or an older one skips the wait.</summary>
    public GtidSet? ProvenGtids => Volatile.Read(ref _provenGtids);

    /// <summary>True when the monitor's position or a proven one already contains <paramref name="gtid"/>.</summary>
    public bool KnownToHave(GtidSet gtid) =>
        Health?.Gtids is { } measured && measured.Contains(gtid) || ProvenGtids is { } proven && proven.Contains(gtid);

    /// <summary>Remembers that this replica has applied <paramref name="gtid"/> (united with what was proven before).</summary>
    public void RecordProven(GtidSet gtid)
    {
        while (true)
        {
            var current = Volatile.Read(ref _provenGtids);
            var next = current is null ? gtid : current.Union(gtid);
            if (current is not null && current.Equals(next))
                return;
            if (Interlocked.CompareExchange(ref _provenGtids, next, current) == current)
                return;
        }
    }

    /// <summary>False for a while after a connect to it failed, so reads skip it instead of paying a connect
    /// timeout each (the health monitor replaces this with measured state). Asked several times per read: a backend
    /// never marked (the usual case) is answered without reading the clock.</summary>
    public bool IsAvailable => Volatile.Read(ref _unavailableUntil) is var until && (until == 0 || Stopwatch.GetTimestamp() >= until);

    /// <summary>A replica reads may be sent to now: reachable, not weighted out, and not taken offline by the monitor.</summary>
    public bool InRotation => IsAvailable && Config.Weight != 0 && Health is not { IsOnline: false };

    public void MarkUnavailable(TimeSpan period) =>
        Volatile.Write(ref _unavailableUntil, Stopwatch.GetTimestamp() + (long)(period.TotalSeconds * Stopwatch.Frequency));

    /// <summary>Told of each connection error client traffic meets on this backend; the monitor counts them towards
    /// shunning it (null while no monitor runs).</summary>
    public volatile Action<string>? TrafficErrorObserver;

    /// <summary>Client traffic met a connection error on this backend (a failed connect, a connection lost before
    /// the answer): counted towards shunning it.</summary>
    public void ReportTrafficError(string error) => TrafficErrorObserver?.Invoke(error);

    /// <summary>A replica failed client traffic: skipped for <paramref name="period"/>, and the error counted.</summary>
    public void ConnectionFailed(TimeSpan period, string error)
    {
        MarkUnavailable(period);
        ReportTrafficError(error);
    }

    /// <summary>Group names starting with this select the backends of one region (configured group names cannot
    /// contain ':').</summary>
    public const string RegionGroupPrefix = "region:";

    /// <summary>True when the configuration lists this backend in <paramref name="group"/> (a routing rule's target),
    /// or the group is <see cref="RegionGroupPrefix"/> followed by this backend's region.</summary>
    public bool InGroup(string group)
    {
        if (group.StartsWith(RegionGroupPrefix, StringComparison.Ordinal))
            return Config.Region is { } region && group.AsSpan(RegionGroupPrefix.Length).SequenceEqual(region);
        foreach (var name in Config.Groups)
        {
            if (string.Equals(name, group, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    public override string ToString() => $"{Name} ({Address})";
}
