using Switchyard.Routing.Regions;
using Xunit;

namespace Switchyard.Routing.Tests.Regions;

public sealed class WriteRegionChoiceTests
{
    private static readonly NearestRegion Nearest = new(TimeSpan.FromMilliseconds(2));

    private static RegionCandidate R(string name, double rttMs, bool healthy = true) => new(name, healthy, TimeSpan.FromMilliseconds(rttMs), name == "a");

    [Fact]
    public void For_HealthyHome_WritesGoHomeEvenWhenAnotherRegionIsNearer()
    {
        var choice = WriteRegionChoice.For("c", [R("a", 0.2), R("b", 40), R("c", 80)], Nearest, homeCaughtUp: true, waitForCatchUp: true);

        Assert.Equal(new WriteRegionChoice("c", WriteRegionReason.Home), choice);
    }

    [Fact]
    public void For_HomeDown_WritesGoToTheNearestHealthyRegion()
    {
        var choice = WriteRegionChoice.For("c", [R("a", 0.2, healthy: false), R("b", 40), R("c", 80, healthy: false)], Nearest, homeCaughtUp: false, waitForCatchUp: true);

        Assert.Equal(new WriteRegionChoice("b", WriteRegionReason.HomeDown), choice);
    }

    [Fact]
    public void For_HomeBackButBehind_StaysAwayUntilCaughtUpWhenConfiguredSo()
    {
        RegionCandidate[] regions = [R("a", 0.2), R("b", 40), R("c", 80)];

        Assert.Equal(new WriteRegionChoice("a", WriteRegionReason.HomeCatchingUp), WriteRegionChoice.For("c", regions, Nearest, homeCaughtUp: false, waitForCatchUp: true));
        Assert.Equal(new WriteRegionChoice("c", WriteRegionReason.Home), WriteRegionChoice.For("c", regions, Nearest, homeCaughtUp: false, waitForCatchUp: false));
        Assert.Equal(new WriteRegionChoice("c", WriteRegionReason.Home), WriteRegionChoice.For("c", regions, Nearest, homeCaughtUp: true, waitForCatchUp: true));
    }

    [Fact]
    public void For_HomeBehindAndNoOtherRegionHealthy_WritesGoHomeRatherThanNowhere()
    {
        var choice = WriteRegionChoice.For("c", [R("a", 0.2, healthy: false), R("c", 80)], Nearest, homeCaughtUp: false, waitForCatchUp: true);

        Assert.Equal(new WriteRegionChoice("c", WriteRegionReason.Home), choice);
    }

    [Fact]
    public void For_NoRegionHealthy_ChoosesNone()
    {
        var choice = WriteRegionChoice.For("c", [R("a", 0.2, healthy: false), R("c", 80, healthy: false)], Nearest, homeCaughtUp: false, waitForCatchUp: true);

        Assert.Equal(new WriteRegionChoice(null, WriteRegionReason.NoRegion), choice);
    }

    [Fact]
    public void For_UnknownHome_Throws()
    {
        Assert.Throws<ArgumentException>(() => WriteRegionChoice.For("z", [R("a", 1)], Nearest, true, true));
    }
}
