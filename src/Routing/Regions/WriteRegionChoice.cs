namespace Switchyard.Routing.Regions;

/// <summary>Where a user's writes (and strong reads) go, and why.</summary>
/// <param name="Region">The region whose primary takes them; null when no region's primary can.</param>
/// <param name="Reason">Why: the user's home, or a failover away from it.</param>
public readonly record struct WriteRegionChoice(string? Region, WriteRegionReason Reason)
{
    /// <summary>Writes go home, or to the nearest healthy region while home is down. Going back home waits, when
    /// <paramref name="waitForCatchUp"/> is set, until home has applied what was written elsewhere meanwhile
    /// (<paramref name="homeCaughtUp"/>), so that a returning user never writes on top of a stale home.</summary>
    public static WriteRegionChoice For(string home, ReadOnlySpan<RegionCandidate> candidates, NearestRegion nearest, bool homeCaughtUp, bool waitForCatchUp)
    {
        foreach (var candidate in candidates)
        {
            if (!string.Equals(candidate.Name, home, StringComparison.Ordinal))
                continue;
            if (candidate.Healthy && (homeCaughtUp || !waitForCatchUp))
                return new WriteRegionChoice(home, WriteRegionReason.Home);
            var away = nearest.Choose(candidates, exclude: home);
            if (away >= 0)
                return new WriteRegionChoice(candidates[away].Name, candidate.Healthy ? WriteRegionReason.HomeCatchingUp : WriteRegionReason.HomeDown);
            // Nowhere else to go: a healthy home that has not caught up still beats no writes at all.
            return candidate.Healthy ? new WriteRegionChoice(home, WriteRegionReason.Home) : new WriteRegionChoice(null, WriteRegionReason.NoRegion);
        }
        throw new ArgumentException($"home region '{home}' is not among the candidates", nameof(home));
    }
}

public enum WriteRegionReason
{
    /// <summary>The user's home region takes the write (the normal case).</summary>
    Home,
    /// <summary>The home region's primary is down: the nearest healthy region takes it.</summary>
    HomeDown,
    /// <summary>Home is back but has not yet applied what was written elsewhere while it was down.</summary>
    HomeCatchingUp,
    /// <summary>No region's primary can take a write.</summary>
    NoRegion,
}
