using Switchyard.Routing.Health;

namespace Switchyard.Routing.Tests.Health;

public sealed class HealthEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly HealthThresholds Limits = new(TimeSpan.FromSeconds(5), LagRecoveryRatio: 0.8, FailuresToDown: 1, SuccessesToOnline: 2);

    private static HealthCheckResult Replica(double? secondsBehind = 0, bool io = true, bool sql = true, double? heartbeat = null,
        string? ioError = null, string? sqlError = null) => new()
    {
        Reachable = true,
        IsReplica = true,
        ReadOnly = true,
        ReplicationConfigured = true,
        IoThreadRunning = io,
        SqlThreadRunning = sql,
        SecondsBehindMaster = secondsBehind,
        HeartbeatLagSeconds = heartbeat,
        LastIoError = ioError,
        LastSqlError = sqlError,
        LagBytes = 0,
        RoundTrip = TimeSpan.FromMilliseconds(1),
        GtidPosition = "0-1-10",
    };

    private static HealthCheckResult Primary() => new() { Reachable = true, IsReplica = false, ReadOnly = false, GtidPosition = "0-1-10" };

    /// <summary>Feeds the checks in order to one evaluator and returns every conclusion.</summary>
    internal static List<BackendHealth> Run(HealthThresholds limits, params HealthCheckResult[] checks)
    {
        var evaluator = new HealthEvaluator(limits);
        BackendHealth? health = null;
        var all = new List<BackendHealth>();
        for (var i = 0; i < checks.Length; i++)
        {
            health = evaluator.Next(checks[i], health, Now.AddSeconds(i));
            all.Add(health);
        }
        return all;
    }

    private static List<HealthState> States(HealthThresholds limits, params HealthCheckResult[] checks) =>
        Run(limits, checks).Select(h => h.State).ToList();

    private static HealthCheckResult Taking(double milliseconds) => Replica() with { RoundTrip = TimeSpan.FromMilliseconds(milliseconds) };

    private static List<double> RoundTrips(params HealthCheckResult[] checks) =>
        Run(Limits, checks).Select(h => h.RoundTrip!.Value.TotalMilliseconds).ToList();

    [Fact]
    public void RoundTrip_SlowChecksFewerThanTheWindow_DoNotMoveIt_AFasterOneIsTakenAtOnce()
    {
        // 20 ms, then four checks delayed to 60-500 ms (a region 40 ms away must still look farther), then 10 ms.
        Assert.Equal([20, 20, 20, 20, 20, 10], RoundTrips(Taking(20), Taking(500), Taking(60), Taking(90), Taking(60), Taking(10)));
    }

    [Fact]
    public void RoundTrip_APathThatReallyGotLonger_IsFollowedAfterAWindowOfChecks()
    {
        var trips = RoundTrips([Taking(20), .. Enumerable.Repeat(Taking(40), RoundTripWindow.Size)]);

        Assert.Equal([20, 20, 20, 20, 20, 40], trips);
    }

    [Fact]
    public void RoundTrip_IsTheShortestOfTheLastChecks_NotOfAllChecks()
    {
        // The 10 ms check leaves the window after five more: then the shortest of 30, 50, 40, 60, 50 counts.
        var trips = RoundTrips(Taking(10), Taking(30), Taking(50), Taking(40), Taking(60), Taking(50), Taking(70));

        Assert.Equal([10, 10, 10, 10, 10, 30, 40], trips);
    }

    [Fact]
    public void RoundTrip_AfterAFailedCheck_StartsAfresh()
    {
        var failed = HealthCheckResult.Unreachable(isReplica: true, "connection refused", TimeSpan.FromSeconds(2));
        var health = Run(Limits, Taking(20), failed, Taking(60), Taking(80));

        Assert.Equal(2000, health[1].RoundTrip!.Value.TotalMilliseconds);
        Assert.Equal(60, health[2].RoundTrip!.Value.TotalMilliseconds);
        Assert.Equal(60, health[3].RoundTrip!.Value.TotalMilliseconds);
    }

    [Fact]
    public void Next_FirstHealthyCheck_IsOnlineWithoutAStreak()
    {
        var health = Run(Limits, Replica(secondsBehind: 1)).Single();

        Assert.Equal(HealthState.Online, health.State);
        Assert.Equal("", health.Reason);
        Assert.Equal(1, health.LagSeconds);
        Assert.Equal("0-1-10", health.GtidPosition);
        Assert.Equal(Now, health.CheckedAt);
    }

    [Fact]
    public void Next_PrimaryReachable_IsOnlineWhateverItsReplicationFields()
    {
        Assert.Equal([HealthState.Online], States(Limits, Primary()));
    }

    [Fact]
    public void Next_NullSecondsBehindMaster_IsBrokenNeverZero()
    {
        var health = Run(Limits, Replica(secondsBehind: null)).Single();

        Assert.Equal(HealthState.Broken, health.State);
        Assert.Contains("NULL", health.Reason);
        Assert.Null(health.LagSeconds);
    }

    [Fact]
    public void Next_SqlThreadStopped_IsBrokenWithTheLastSqlError()
    {
        var health = Run(Limits, Replica(secondsBehind: null, sql: false, sqlError: "Duplicate entry '1'")).Single();

        Assert.Equal(HealthState.Broken, health.State);
        Assert.Contains("SQL thread", health.Reason);
        Assert.Contains("Duplicate entry '1'", health.Reason);
    }

    [Fact]
    public void Next_IoThreadStopped_IsBrokenEvenWithAnOldLagNumber()
    {
        var health = Run(Limits, Replica(secondsBehind: 0, io: false, ioError: "error connecting to master")).Single();

        Assert.Equal(HealthState.Broken, health.State);
        Assert.Contains("IO thread", health.Reason);
        Assert.Contains("error connecting to master", health.Reason);
    }

    [Fact]
    public void Next_ReplicationNotConfigured_IsBroken()
    {
        var check = Replica() with { ReplicationConfigured = false };

        Assert.Equal([HealthState.Broken], States(Limits, check));
    }

    [Fact]
    public void Next_Unreachable_IsDownWithTheError()
    {
        var health = Run(Limits, HealthCheckResult.Unreachable(isReplica: true, "monitor login failed: Access denied for user 'monitor'")).Single();

        Assert.Equal(HealthState.Down, health.State);
        Assert.Contains("Access denied", health.Reason);
        Assert.Null(health.LagSeconds);
    }

    [Fact]
    public void Next_FailuresToDownThree_StaysInPreviousStateUntilTheThirdFailure()
    {
        var limits = Limits with { FailuresToDown = 3 };
        var failed = HealthCheckResult.Unreachable(isReplica: true, "check timed out");

        var states = States(limits, Replica(), failed, failed, failed);

        Assert.Equal([HealthState.Online, HealthState.Online, HealthState.Online, HealthState.Down], states);
    }

    [Fact]
    public void Next_FailureBeforeAnySuccess_IsDownAtOnce()
    {
        var limits = Limits with { FailuresToDown = 3 };

        Assert.Equal([HealthState.Down], States(limits, HealthCheckResult.Unreachable(isReplica: true, "refused")));
    }

    [Fact]
    public void Next_LagAboveLimit_IsLaggingWithTheLagInTheReason()
    {
        var health = Run(Limits, Replica(secondsBehind: 6)).Single();

        Assert.Equal(HealthState.Lagging, health.State);
        Assert.Contains("6", health.Reason);
        Assert.Equal(6, health.LagSeconds);
    }

    [Fact]
    public void Next_LagExactlyAtLimit_IsOnline()
    {
        Assert.Equal([HealthState.Online], States(Limits, Replica(secondsBehind: 5)));
    }

    [Fact]
    public void Next_LagHoveringAtTheLimit_DoesNotFlap()
    {
        // 5 s limit, back only at <= 4 s, and after two healthy checks in a row.
        var states = States(Limits, Replica(4), Replica(6), Replica(5), Replica(4.5), Replica(5.5), Replica(5), Replica(4), Replica(3));

        Assert.Equal(
            [HealthState.Online, HealthState.Lagging, HealthState.Lagging, HealthState.Lagging, HealthState.Lagging, HealthState.Lagging, HealthState.Lagging, HealthState.Online],
            states);
    }

    [Fact]
    public void Next_HeartbeatLag_TakesPrecedenceOverSecondsBehindMaster()
    {
        var health = Run(Limits, Replica(secondsBehind: 0, heartbeat: 7.25)).Single();

        Assert.Equal(HealthState.Lagging, health.State);
        Assert.Equal(7.25, health.LagSeconds);
    }

    [Fact]
    public void Next_HeartbeatLagButNullSecondsBehindMaster_IsStillBroken()
    {
        Assert.Equal([HealthState.Broken], States(Limits, Replica(secondsBehind: null, heartbeat: 0.1)));
    }

    [Fact]
    public void Next_BrokenThenHealthy_NeedsSuccessesToOnlineInARow()
    {
        var states = States(Limits, Replica(secondsBehind: null), Replica(0), Replica(secondsBehind: null), Replica(0), Replica(0));

        Assert.Equal([HealthState.Broken, HealthState.Broken, HealthState.Broken, HealthState.Broken, HealthState.Online], states);
    }

    [Fact]
    public void Next_Recovering_SaysSoInTheReason()
    {
        var health = Run(Limits, Replica(secondsBehind: null), Replica(0))[^1];

        Assert.Equal(HealthState.Broken, health.State);
        Assert.Contains("recovering", health.Reason);
        Assert.Contains("1 of 2", health.Reason);
    }

    [Fact]
    public void Next_DownThenReachable_ComesBackAfterTheStreak()
    {
        var down = HealthCheckResult.Unreachable(isReplica: true, "refused");

        var states = States(Limits, Replica(), down, Replica(), Replica());

        Assert.Equal([HealthState.Online, HealthState.Down, HealthState.Down, HealthState.Online], states);
    }

    [Fact]
    public void Next_ShunnedByTrafficAndHealthyChecks_RecoversAfterTheStreak()
    {
        var evaluator = new HealthEvaluator(Limits);
        var shunned = new BackendHealth(HealthState.Shunned, "too many connection errors", 0, 0, null, null, Now);

        var first = evaluator.Next(Replica(), shunned, Now);
        var second = evaluator.Next(Replica(), first, Now);

        Assert.Equal(HealthState.Shunned, first.State);
        Assert.Equal(HealthState.Online, second.State);
    }

    [Fact]
    public void Next_SuccessesToOnlineOne_ReturnsAtOnce()
    {
        var limits = Limits with { SuccessesToOnline = 1 };

        Assert.Equal([HealthState.Broken, HealthState.Online], States(limits, Replica(secondsBehind: null), Replica(0)));
    }

    [Fact]
    public void Next_ReasonOnRepeatedFailures_DoesNotGrow()
    {
        var limits = Limits with { FailuresToDown = 5 };
        var failed = HealthCheckResult.Unreachable(isReplica: true, "check timed out");

        var all = Run(limits, Replica(), failed, failed, failed, failed);

        Assert.True(all[3].Reason.Length <= all[2].Reason.Length + 2, all[3].Reason);
    }
}
