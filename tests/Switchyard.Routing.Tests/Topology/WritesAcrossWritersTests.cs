using Switchyard.Routing.Consistency;
using Switchyard.Routing.Tests.Support;

namespace Switchyard.Routing.Tests.Topology;

/// <summary>Read-your-writes across a writer failover: a user's writes on two writers (two GTID domains) accumulate, and
/// only a node that has both serves the user's reads.</summary>
public sealed class WritesAcrossWritersTests
{
    [Fact]
    public void RecordWrite_OnTwoWritersInTurn_TheMarkHoldsTheLastGtidOfEachDomain()
    {
        var tracker = new WriteTracker(100, TimeSpan.FromMinutes(1), new ManualTimeProvider());

        tracker.RecordWrite("app", GtidSet.Parse("1-11-5"));
        tracker.RecordWrite("app", GtidSet.Parse("2-12-3"));
        tracker.RecordWrite("app", GtidSet.Parse("2-12-4"));

        Assert.True(tracker.TryGetLastWrite("app", out var mark));
        Assert.Equal("1-11-5,2-12-4", mark.Gtid!.ToString());
    }

    [Theory]
    [InlineData("1-11-5,2-12-4", true)]      // the old writer's writes replicated, the new writer's own
    [InlineData("1-11-9,2-12-7", true)]
    [InlineData("2-12-4", false)]            // the new writer before the old one's last write reached it
    [InlineData("1-11-5,2-12-3", false)]     // the old writer back, before the new writer's latest reached it
    [InlineData("1-11-5", false)]
    public void Contains_NodePositionAgainstAWriteMarkSpanningTwoDomains(string position, bool serves)
    {
        var mark = GtidSet.Parse("1-11-5").Union(GtidSet.Parse("2-12-4"));

        Assert.Equal(serves, GtidSet.Parse(position).Contains(mark));
    }
}
