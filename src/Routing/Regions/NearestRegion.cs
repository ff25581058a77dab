namespace Switchyard.Routing.Regions;

/// <summary>
/// The nearest healthy region by measured round trip (not by configuration order). Round trips within
/// <see cref="TieTolerance"/> of each other count as equal, and among equals the proxy's own region wins, then the
/// earlier in the list, so that jitter of a fraction of a millisecond does not flip reads between regions.
/// </summary>
public sealed class NearestRegion(TimeSpan tieTolerance)
{
    public TimeSpan TieTolerance { get; } = tieTolerance;

    /// <summary>The index of the nearest healthy candidate, or -1 when none is healthy.</summary>
    /// <param name="exclude">A region not to choose (the failed home region), or null.</param>
    public int Choose(ReadOnlySpan<RegionCandidate> candidates, string? exclude = null)
    {
        var best = -1;
        for (var i = 0; i < candidates.Length; i++)
        {
            var candidate = candidates[i];
            if (!candidate.Healthy || exclude is not null && string.Equals(candidate.Name, exclude, StringComparison.Ordinal))
                continue;
            if (best < 0 || Nearer(candidate, candidates[best]))
                best = i;
        }
        return best;
    }

    /// <summary>The healthy candidates' indexes, nearest first, into <paramref name="order"/>; returns how many.</summary>
    public int Order(ReadOnlySpan<RegionCandidate> candidates, Span<int> order)
    {
        var count = 0;
        for (var i = 0; i < candidates.Length; i++)
        {
            if (!candidates[i].Healthy)
                continue;
            // Insertion sort: a handful of regions.
            var at = count++;
            while (at > 0 && Nearer(candidates[i], candidates[order[at - 1]]))
            {
                order[at] = order[at - 1];
                at--;
            }
            order[at] = i;
        }
        return count;
    }

    private bool Nearer(in RegionCandidate a, in RegionCandidate b)
    {
        if (a.RoundTrip is not { } ra)
            return false;
        if (b.RoundTrip is not { } rb)
            return true;
        var difference = ra - rb;
        if (difference.Duration() <= TieTolerance)
            return a.IsLocal && !b.IsLocal;
        return difference < TimeSpan.Zero;
    }
}
