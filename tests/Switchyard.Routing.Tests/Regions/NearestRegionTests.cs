using Switchyard.Routing.Regions;
using Xunit;

namespace Switchyard.Routing.Tests.Regions;

public sealed class NearestRegionTests
{
    private static readonly NearestRegion Nearest = new(TimeSpan.FromMilliseconds(2));

    private static RegionCandidate R(string name, double? rttMs, bool healthy = true, bool local = false) =>
        new(name, healthy, rttMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, local);

    [Fact]
    public void Choose_PicksTheSmallestMeasuredRoundTripNotTheFirstListed()
    {
        Assert.Equal(2, Nearest.Choose([R("b", 80), R("c", 160), R("a", 40)]));
    }

    [Fact]
    public void Choose_RoundTripsWithinTheTolerance_PreferTheLocalRegion()
    {
        Assert.Equal(1, Nearest.Choose([R("b", 1.0), R("a", 2.5, local: true)]));
    }

    [Fact]
    public void Choose_RoundTripsFurtherApartThanTheTolerance_IgnoreLocality()
    {
        Assert.Equal(0, Nearest.Choose([R("b", 1.0), R("a", 3.5, local: true)]));
    }

    [Fact]
    public void Choose_SkipsUnhealthyAndExcludedRegions()
    {
        Assert.Equal(2, Nearest.Choose([R("a", 1, healthy: false), R("b", 40), R("c", 80)], exclude: "b"));
    }

    [Fact]
    public void Choose_UnmeasuredRegion_RanksAfterEveryMeasuredOne()
    {
        Assert.Equal(1, Nearest.Choose([R("a", null, local: true), R("b", 200)]));
        Assert.Equal(0, Nearest.Choose([R("a", null), R("b", null)]));
    }

    [Fact]
    public void Choose_NothingHealthy_ReturnsMinusOne()
    {
        Assert.Equal(-1, Nearest.Choose([R("a", 1, healthy: false), R("b", 2, healthy: false)]));
        Assert.Equal(-1, Nearest.Choose([]));
    }

    [Fact]
    public void Order_ListsHealthyRegionsNearestFirstAndLeavesOutUnhealthyOnes()
    {
        Span<int> order = stackalloc int[4];

        var count = Nearest.Order([R("a", 1, healthy: false), R("b", 80), R("c", 40), R("d", null)], order);

        Assert.Equal([2, 1, 3], order[..count].ToArray());
    }

    [Fact]
    public void Order_TiesGoToTheLocalRegionThenKeepListOrder()
    {
        Span<int> order = stackalloc int[3];

        var count = Nearest.Order([R("b", 10), R("c", 10.5), R("a", 11, local: true)], order);

        Assert.Equal([2, 0, 1], order[..count].ToArray());
    }
}
