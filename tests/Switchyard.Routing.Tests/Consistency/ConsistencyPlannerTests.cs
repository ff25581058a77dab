using Switchyard.Routing.Consistency;

namespace Switchyard.Routing.Tests.Consistency;

public sealed class ConsistencyPlannerTests
{
    private const long Frequency = 1_000; // timestamps in milliseconds
    private const long Now = 1_000_000;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);
    private static readonly GtidSet Gtid = GtidSet.Parse("0-1-100");

    public enum Mark
    {
        None,
        RecentWithGtid,
        RecentWithoutGtid,
        OldWithGtid,
        OldWithoutGtid,
        FutureWithoutGtid,
    }

    private static WriteMark? MarkOf(Mark mark) => mark switch
    {
        Mark.RecentWithGtid => new WriteMark(Now - 1_999, Gtid),
        Mark.RecentWithoutGtid => new WriteMark(Now - 1_999, null),
        Mark.OldWithGtid => new WriteMark(Now - 2_000, Gtid),
        Mark.OldWithoutGtid => new WriteMark(Now - 2_000, null),
        Mark.FutureWithoutGtid => new WriteMark(Now + 50, null),
        _ => null,
    };

    private static ConsistencyLevel LevelOf(string text) =>
        ConsistencyLevel.TryParse(text, out var level, out var error) ? level : throw new ArgumentException(error);

    [Theory]
    [InlineData("strong", Mark.None, "Gtid", "Primary", "strong")]
    [InlineData("strong", Mark.OldWithGtid, "Time", "Primary", "strong")]
    [InlineData("eventual", Mark.RecentWithGtid, "Gtid", "Replica", "eventual")]
    [InlineData("eventual", Mark.RecentWithoutGtid, "Time", "Replica", "eventual")]
    [InlineData("max_lag=3", Mark.RecentWithGtid, "Gtid", "Replica", "max_lag")]
    [InlineData("ryw", Mark.None, "Gtid", "Replica", "no write to wait for")]
    [InlineData("ryw", Mark.None, "Time", "Replica", "no write to wait for")]
    [InlineData("ryw", Mark.RecentWithoutGtid, "Time", "Primary", "within time window")]
    [InlineData("ryw", Mark.RecentWithGtid, "Time", "Primary", "within time window")]
    [InlineData("ryw", Mark.OldWithoutGtid, "Time", "Replica", "time window passed")]
    [InlineData("ryw", Mark.OldWithGtid, "Time", "Replica", "time window passed")]
    [InlineData("ryw", Mark.FutureWithoutGtid, "Time", "Primary", "within time window")]
    [InlineData("ryw", Mark.RecentWithGtid, "Gtid", "ReplicaAfterGtid", "wait for gtid")]
    [InlineData("ryw", Mark.OldWithGtid, "Gtid", "ReplicaAfterGtid", "wait for gtid")]
    [InlineData("ryw", Mark.RecentWithoutGtid, "Gtid", "Primary", "write gtid unknown, within time window")]
    [InlineData("ryw", Mark.OldWithoutGtid, "Gtid", "Replica", "write gtid unknown, time window passed")]
    public void Plan_Table(string level, Mark mark, string mode, string kind, string reason)
    {
        var plan = ConsistencyPlanner.Plan(LevelOf(level), MarkOf(mark), Enum.Parse<ReadYourWritesMode>(mode), Window, Now, Frequency);

        Assert.Equal(Enum.Parse<ReadPlanKind>(kind), plan.Kind);
        Assert.Equal(reason, plan.Reason);
    }

    [Fact]
    public void Plan_MaxLag_RequiresTheBoundOnly()
    {
        var plan = ConsistencyPlanner.Plan(ConsistencyLevel.MaxLag(1.5), null, ReadYourWritesMode.Gtid, Window, Now, Frequency);

        Assert.Equal(new ReadRequirement(1.5, null), plan.Requirement);
    }

    [Fact]
    public void Plan_ReadYourWritesWithGtid_RequiresThatGtid()
    {
        var plan = ConsistencyPlanner.Plan(ConsistencyLevel.ReadYourWrites, MarkOf(Mark.RecentWithGtid), ReadYourWritesMode.Gtid, Window, Now, Frequency);

        Assert.Same(Gtid, plan.Requirement.Gtid);
        Assert.Null(plan.Requirement.MaxLagSeconds);
    }

    [Theory]
    [InlineData("strong", Mark.RecentWithGtid, "Gtid")]
    [InlineData("eventual", Mark.RecentWithGtid, "Gtid")]
    [InlineData("ryw", Mark.None, "Gtid")]
    [InlineData("ryw", Mark.RecentWithoutGtid, "Time")]
    [InlineData("ryw", Mark.OldWithGtid, "Time")]
    [InlineData("ryw", Mark.OldWithoutGtid, "Gtid")]
    public void Plan_WithoutBoundOrGtid_RequiresNothing(string level, Mark mark, string mode)
    {
        Assert.Equal(ReadRequirement.None, ConsistencyPlanner.Plan(LevelOf(level), MarkOf(mark), Enum.Parse<ReadYourWritesMode>(mode), Window, Now, Frequency).Requirement);
    }

    [Fact]
    public void Plan_TimeWindow_UsesTheTimestampFrequency()
    {
        var mark = new WriteMark(Now - 1_500, null);

        // 1,500 ticks: 1.5 s at 1 kHz (inside a 2 s window), 0.15 ms at 10 MHz.
        Assert.Equal(ReadPlanKind.Primary, ConsistencyPlanner.Plan(ConsistencyLevel.ReadYourWrites, mark, ReadYourWritesMode.Time, Window, Now, 1_000).Kind);
        Assert.Equal(ReadPlanKind.Replica, ConsistencyPlanner.Plan(ConsistencyLevel.ReadYourWrites, mark, ReadYourWritesMode.Time, TimeSpan.FromTicks(1), Now, 10_000_000).Kind);
    }
}
