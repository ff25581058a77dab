using Switchyard.Routing.Consistency;
using Switchyard.Routing.Health;

namespace Switchyard.Routing.Tests.Health;

public sealed class BackendHealthTests
{
    private static BackendHealth Health(string? gtid) =>
        new(HealthState.Online, "", 0, 0, null, gtid, DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData("0-1-100,1-2-5", "0-1-100,1-2-5")]
    [InlineData("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5")]
    public void Gtids_ParsesThePosition(string position, string expected)
    {
        Assert.Equal(GtidSet.Parse(expected), Health(position).Gtids);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    public void Gtids_AbsentOrUnparsable_IsNull(string? position)
    {
        Assert.Null(Health(position).Gtids);
    }

    [Fact]
    public void With_NewPosition_ReparsesGtids()
    {
        var health = Health("0-1-100") with { GtidPosition = "0-1-200" };

        Assert.Equal("0-1-200", health.GtidPosition);
        Assert.Equal(GtidSet.Parse("0-1-200"), health.Gtids);
    }

    [Fact]
    public void With_OtherProperty_KeepsGtids()
    {
        var health = Health("0-1-100") with { Reason = "x" };

        Assert.Equal(GtidSet.Parse("0-1-100"), health.Gtids);
        Assert.Equal(Health("0-1-100") with { Reason = "x" }, health);
    }
}
