using Switchyard.Routing.Consistency;
using Switchyard.Routing.Health;

namespace Switchyard.Routing.Tests.Consistency;

public sealed class ReadRequirementTests
{
    private static BackendHealth Health(double? lag = 0, string? gtid = "0-1-100") =>
        new(HealthState.Online, "", lag, 0, TimeSpan.FromMilliseconds(1), gtid, DateTimeOffset.UnixEpoch);

    [Fact]
    public void IsMetBy_NoHealth_OnlyForNoRequirement()
    {
        Assert.True(ReadRequirement.None.IsMetBy(null));
        Assert.False(new ReadRequirement(10, null).IsMetBy(null));
        Assert.False(new ReadRequirement(null, GtidSet.Parse("0-1-1")).IsMetBy(null));
    }

    [Fact]
    public void IsMetBy_None_AnyHealth()
    {
        Assert.True(ReadRequirement.None.IsMetBy(Health(lag: null, gtid: null)));
    }

    [Theory]
    [InlineData(0.0, true)]
    [InlineData(1.5, true)]
    [InlineData(1.6, false)]
    [InlineData(null, false)]
    public void IsMetBy_MaxLag_NeedsAKnownLagWithinTheBound(double? lag, bool expected)
    {
        Assert.Equal(expected, new ReadRequirement(1.5, null).IsMetBy(Health(lag: lag)));
    }

    [Theory]
    [InlineData("0-1-100", "0-1-100", true)]
    [InlineData("0-1-101,1-1-5", "0-1-100", true)]
    [InlineData("0-1-99", "0-1-100", false)]
    [InlineData(null, "0-1-100", false)]
    [InlineData("not a position", "0-1-100", false)]
    [InlineData("", "0-1-100", false)]
    public void IsMetBy_Gtid_NeedsAKnownPositionContainingIt(string? position, string required, bool expected)
    {
        Assert.Equal(expected, new ReadRequirement(null, GtidSet.Parse(required)).IsMetBy(Health(gtid: position)));
    }

    [Theory]
    [InlineData(0.5, "0-1-100", true)]
    [InlineData(5.0, "0-1-100", false)]
    [InlineData(0.5, "0-1-50", false)]
    public void IsMetBy_BothBounds_NeedsBoth(double lag, string position, bool expected)
    {
        var requirement = new ReadRequirement(1, GtidSet.Parse("0-1-100"));

        Assert.Equal(expected, requirement.IsMetBy(Health(lag: lag, gtid: position)));
    }
}
