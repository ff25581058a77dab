using System.Buffers;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Configuration;
using Switchyard.Routing.Consistency;
using Switchyard.Routing.Regions;

namespace Switchyard.Proxy.Regions;

/// <summary>
/// Routing by a user's home region (<c>regions:</c>): which region's primary takes a user's writes and strong reads,
/// and in which order regions are tried for reads. Decisions come from the pure <see cref="HomeRegions"/>,
/// <see cref="NearestRegion"/> and <see cref="WriteRegionChoice"/> over what the monitor last measured (health and
/// round trip of each backend); this class gathers that state and remembers, per home region, where its writes went
/// while it was down and which GTIDs were written there, so that writes return home only once home has them.
/// </summary>
internal sealed class RegionRouter
{
    private readonly RegionsConfig _config;
    private readonly HomeRegions _homes;
    private readonly NearestRegion _nearest;
    private readonly Region[] _regions;

    public RegionRouter(RegionsConfig config, IReadOnlyList<BackendPool> pools)
    {
        _config = config;
        var names = pools.Select(p => p.Endpoint.Config.Region!).Distinct(StringComparer.Ordinal).ToArray();
        _regions = [.. names.Select(name => new Region(
            name,
            name == config.Local,
            pools.Single(p => p.Endpoint.IsPrimary && p.Endpoint.Config.Region == name),
            [.. pools.Where(p => p.Endpoint.Config.Region == name)]))];
        _homes = new HomeRegions(names, config.Homes);
        _nearest = new NearestRegion(config.TieTolerance);
    }

    public IReadOnlyList<Region> Regions => _regions;
    public string Local => _config.Local;

    /// <summary>Told of every change of where a home region's writes go: home, from (null: first decision), to
    /// (null: nowhere), why.</summary>
    public Action<string, string?, string?, WriteRegionReason>? WritesMoved { get; set; }

    /// <summary>The home region of a user key (a session without one is homed where the proxy runs).</summary>
    public string HomeOf(string? userKey) => userKey is null ? _config.Local : _homes.Of(userKey);

    /// <summary>Which region's primary takes the writes of users homed in <paramref name="home"/> now. With failback
    /// caught-up, a home that is back counts as caught up once its applied position holds every GTID its users wrote
    /// elsewhere up to the moment it came back (a fixed target: writes that keep arriving would otherwise be a moving
    /// one); the rest, written since, is in <c>WaitFor</c>: the caller waits for it on home (MASTER_GTID_WAIT) before
    /// the write, or asks again with <paramref name="stayAway"/> when the wait fails.</summary>
    public (WriteRegionChoice Choice, GtidSet? WaitFor) WriteRegionFor(string home, bool stayAway = false)
    {
        var region = Find(home);
        var (choice, waitFor) = Decide(region, stayAway);
        var to = choice.Region ?? "";
        var previous = Interlocked.Exchange(ref region.LastWriteRegion, to);
        if (!string.Equals(previous, to, StringComparison.Ordinal) && previous.Length > 0)
            WritesMoved?.Invoke(home, previous, choice.Region, choice.Reason);
        if (choice.Reason == WriteRegionReason.Home && waitFor is null)
            HomeCaughtUp(home, region.AwayGtids);
        return (choice, waitFor);
    }

    /// <summary>Where the next write of a user homed in <paramref name="home"/> would go, without acting on it (for
    /// /status: looking must not log moves nor clear what home still has to apply).</summary>
    public WriteRegionChoice PeekWriteRegion(string home) => Decide(Find(home), stayAway: false).Choice;

    private (WriteRegionChoice Choice, GtidSet? WaitFor) Decide(Region region, bool stayAway)
    {
        var applied = region.Primary.Endpoint.Health?.Gtids;
        bool caughtUp;
        if (region.AwayGtids is not { } away)
            caughtUp = true;
        else if (!region.CanWrite || stayAway)
        {
            region.RecoveryTarget = stayAway ? away : null;
            caughtUp = false;
        }
        else
        {
            var target = region.RecoveryTarget ??= away;
            caughtUp = applied is not null && applied.Contains(target);
        }
        var candidates = Candidates(forWrite: true);
        WriteRegionChoice choice;
        try
        {
            choice = WriteRegionChoice.For(region.Name, candidates.AsSpan(0, _regions.Length), _nearest, caughtUp, _config.Failback == RegionFailback.CaughtUp);
        }
        finally
        {
            ArrayPool<RegionCandidate>.Shared.Return(candidates);
        }
        GtidSet? waitFor = null;
        if (choice.Reason == WriteRegionReason.Home && _config.Failback == RegionFailback.CaughtUp && region.AwayGtids is { } pending
            && (applied is null || !applied.Contains(pending)))
            waitFor = pending;
        return (choice, waitFor);
    }

    /// <summary>Home has applied <paramref name="gtid"/> (a wait proved it, or its position holds it): what its users
    /// wrote elsewhere up to then no longer keeps writes away.</summary>
    public void HomeCaughtUp(string home, GtidSet? gtid)
    {
        var region = Find(home);
        lock (region)
        {
            if (region.AwayGtids is { } away && (gtid is null || gtid.Contains(away)))
            {
                region.AwayGtids = null;
                region.RecoveryTarget = null;
            }
        }
    }

    public BackendPool PrimaryOf(string region) => Find(region).Primary;

    /// <summary>A write of a user homed in <paramref name="home"/> committed in another region with
    /// <paramref name="gtid"/>: home must apply it before writes go back there.</summary>
    public void NoteAwayWrite(string home, GtidSet gtid)
    {
        var region = Find(home);
        lock (region)
            region.AwayGtids = region.AwayGtids is { } away ? away.Union(gtid) : gtid;
    }

    /// <summary>Regions that can serve reads, nearest first (by measured round trip, the local one on ties); returns
    /// how many were written to <paramref name="order"/>.</summary>
    public int ReadOrder(Span<Region?> order)
    {
        var candidates = Candidates(forWrite: false);
        Span<int> indexes = stackalloc int[_regions.Length];
        var count = _nearest.Order(candidates.AsSpan(0, _regions.Length), indexes);
        ArrayPool<RegionCandidate>.Shared.Return(candidates);
        for (var i = 0; i < count; i++)
            order[i] = _regions[indexes[i]];
        return count;
    }

    /// <summary>Why no region can take a write: each region's primary and its state, for the client's error.</summary>
    public string Unavailability() => string.Join("; ", _regions.Select(r =>
        $"region {r.Name}: primary '{r.Primary.Endpoint.Name}' " + (r.Primary.Endpoint.Health is { } h && h.Reason.Length > 0 ? h.Reason : "unreachable")));

    /// <summary>Each region as a candidate, in a pooled array (longer than the regions; give it back): this runs for
    /// every statement leased by region.</summary>
    private RegionCandidate[] Candidates(bool forWrite)
    {
        var candidates = ArrayPool<RegionCandidate>.Shared.Rent(_regions.Length);
        for (var i = 0; i < _regions.Length; i++)
        {
            var region = _regions[i];
            candidates[i] = new RegionCandidate(region.Name, forWrite ? region.CanWrite : region.CanRead, region.RoundTrip, region.IsLocal);
        }
        return candidates;
    }

    private Region Find(string name)
    {
        foreach (var region in _regions)
        {
            if (string.Equals(region.Name, name, StringComparison.Ordinal))
                return region;
        }
        throw new ArgumentException($"no region named '{name}'", nameof(name));
    }
}
