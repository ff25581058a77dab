using Switchyard.Routing.Health;

namespace Switchyard.Routing.Tests.Health;

public sealed class TrafficErrorWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Record_ThirdErrorWithinTheWindow_ReachesTheThreshold()
    {
        var window = new TrafficErrorWindow(3, TimeSpan.FromSeconds(10));

        Assert.False(window.Record(Now));
        Assert.False(window.Record(Now.AddSeconds(4)));
        Assert.True(window.Record(Now.AddSeconds(9)));
    }

    [Fact]
    public void Record_ErrorsSpreadWiderThanTheWindow_NeverReachTheThreshold()
    {
        var window = new TrafficErrorWindow(3, TimeSpan.FromSeconds(10));

        for (var i = 0; i < 10; i++)
            Assert.False(window.Record(Now.AddSeconds(i * 6)));
        Assert.Equal(2, window.Count);
    }

    [Fact]
    public void Record_AfterReachingTheThreshold_StartsCountingAfresh()
    {
        var window = new TrafficErrorWindow(2, TimeSpan.FromSeconds(10));

        Assert.False(window.Record(Now));
        Assert.True(window.Record(Now));
        Assert.Equal(0, window.Count);
        Assert.False(window.Record(Now.AddSeconds(1)));
        Assert.True(window.Record(Now.AddSeconds(2)));
    }

    [Fact]
    public void Record_ErrorExactlyAtTheWindowEdge_StillCounts()
    {
        var window = new TrafficErrorWindow(2, TimeSpan.FromSeconds(10));

        Assert.False(window.Record(Now));
        Assert.True(window.Record(Now.AddSeconds(10)));
    }

    [Fact]
    public void Record_ThresholdOne_ShunsOnTheFirstError()
    {
        Assert.True(new TrafficErrorWindow(1, TimeSpan.FromSeconds(1)).Record(Now));
    }
}
