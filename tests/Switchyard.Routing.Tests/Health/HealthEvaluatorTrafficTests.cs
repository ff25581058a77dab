using Switchyard.Routing.Health;

namespace Switchyard.Routing.Tests.Health;

/// <summary>Shunning by connection errors from live traffic, and what @@read_only adds to a conclusion.</summary>
public sealed class HealthEvaluatorTrafficTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly HealthThresholds Limits = new(TimeSpan.FromSeconds(5), SuccessesToOnline: 2)
    {
        ShunAfterErrors = 3,
        ShunWindow = TimeSpan.FromSeconds(10),
    };

    private static HealthCheckResult Replica(bool? readOnly = true) => new()
    {
        Reachable = true,
        IsReplica = true,
        ReadOnly = readOnly,
        ReplicationConfigured = true,
        IoThreadRunning = true,
        SqlThreadRunning = true,
        SecondsBehindMaster = 0,
        LagBytes = 0,
    };

    private static HealthCheckResult Primary(bool? readOnly = false) => new() { Reachable = true, IsReplica = false, ReadOnly = readOnly };

    /// <summary>An online replica after one healthy check, and its evaluator.</summary>
    private static (HealthEvaluator Evaluator, BackendHealth Health) OnlineReplica()
    {
        var evaluator = new HealthEvaluator(Limits);
        return (evaluator, evaluator.Next(Replica(), null, Now));
    }

    /// <summary>Shuns an online replica with three errors within a second; the last one is "connection refused".</summary>
    private static (HealthEvaluator Evaluator, BackendHealth Health) ShunnedReplica()
    {
        var (evaluator, health) = OnlineReplica();
        Assert.Null(evaluator.TrafficError("TCP connect timed out", health, Now.AddMilliseconds(100)));
        Assert.Null(evaluator.TrafficError("TCP connect timed out", health, Now.AddMilliseconds(200)));
        var shunned = evaluator.TrafficError("connection refused", health, Now.AddMilliseconds(300));
        Assert.NotNull(shunned);
        return (evaluator, shunned);
    }

    [Fact]
    public void TrafficError_BelowTheThreshold_ChangesNothing()
    {
        var (evaluator, health) = OnlineReplica();

        Assert.Null(evaluator.TrafficError("connection refused", health, Now));
        Assert.Null(evaluator.TrafficError("connection refused", health, Now.AddSeconds(1)));
    }

    [Fact]
    public void TrafficError_ThirdWithinTheWindow_ShunsWithTheLastErrorInTheReason()
    {
        var (_, shunned) = ShunnedReplica();

        Assert.Equal(HealthState.Shunned, shunned.State);
        Assert.False(shunned.IsOnline);
        Assert.Contains("3 connection errors", shunned.Reason);
        Assert.EndsWith("connection refused", shunned.Reason);
    }

    [Fact]
    public void TrafficError_SpreadBeyondTheWindow_NeverShuns()
    {
        var (evaluator, health) = OnlineReplica();

        for (var i = 0; i < 6; i++)
            Assert.Null(evaluator.TrafficError("connection refused", health, Now.AddSeconds(i * 6)));
    }

    [Fact]
    public void TrafficError_WhileDown_LeavesItDown()
    {
        var evaluator = new HealthEvaluator(Limits);
        var down = evaluator.Next(HealthCheckResult.Unreachable(isReplica: true, "check timed out"), null, Now);

        for (var i = 0; i < 3; i++)
            Assert.Null(evaluator.TrafficError("no complete handshake", down, Now.AddMilliseconds(i)));
        Assert.Equal(HealthState.Down, down.State);
    }

    [Fact]
    public void Next_ShunnedThenHealthyChecks_OnlineOnlyAfterSuccessesToOnline()
    {
        var (evaluator, shunned) = ShunnedReplica();
        var after = Now.AddSeconds(1);

        var first = evaluator.Next(Replica(), shunned, after.AddMilliseconds(10), startedAt: after);
        var second = evaluator.Next(Replica(), first, after.AddMilliseconds(510), startedAt: after.AddMilliseconds(500));

        Assert.Equal(HealthState.Shunned, first.State);
        Assert.Contains("1 of 2", first.Reason);
        Assert.Equal(HealthState.Online, second.State);
    }

    [Fact]
    public void Next_HealthyCheckStartedBeforeTheShunning_DoesNotCountTowardsRecovery()
    {
        var (evaluator, shunned) = ShunnedReplica();

        var inFlight = evaluator.Next(Replica(), shunned, Now.AddSeconds(1), startedAt: Now);
        var first = evaluator.Next(Replica(), inFlight, Now.AddSeconds(2), startedAt: Now.AddSeconds(1.5));
        var second = evaluator.Next(Replica(), first, Now.AddSeconds(3), startedAt: Now.AddSeconds(2.5));

        Assert.Equal(HealthState.Shunned, inFlight.State);
        Assert.Equal(shunned.Reason, inFlight.Reason);
        Assert.Equal(HealthState.Shunned, first.State);
        Assert.Equal(HealthState.Online, second.State);
    }

    [Fact]
    public void Next_ShunnedThenUnreachable_IsDownAndNeedsTheFullStreak()
    {
        var (evaluator, shunned) = ShunnedReplica();

        var down = evaluator.Next(HealthCheckResult.Unreachable(isReplica: true, "connection refused"), shunned, Now.AddSeconds(1), Now.AddSeconds(1));
        var first = evaluator.Next(Replica(), down, Now.AddSeconds(2), Now.AddSeconds(2));
        var second = evaluator.Next(Replica(), first, Now.AddSeconds(3), Now.AddSeconds(3));

        Assert.Equal([HealthState.Down, HealthState.Down, HealthState.Online], [down.State, first.State, second.State]);
    }

    [Fact]
    public void TrafficError_WhileRecoveringFromAShunning_StartsTheRecoveryOver()
    {
        var (evaluator, shunned) = ShunnedReplica();
        var first = evaluator.Next(Replica(), shunned, Now.AddSeconds(1), Now.AddSeconds(1));
        BackendHealth? again = null;
        for (var i = 0; i < 3; i++)
            again = evaluator.TrafficError("connection refused", first, Now.AddSeconds(1.5));

        var next = evaluator.Next(Replica(), again, Now.AddSeconds(2), Now.AddSeconds(2));

        Assert.Equal(HealthState.Shunned, again!.State);
        Assert.Equal(HealthState.Shunned, next.State);
        Assert.Contains("1 of 2", next.Reason);
    }

    [Fact]
    public void Next_PrimaryReadOnly_OnlineButAcceptsNoWritesAndWarns()
    {
        var health = new HealthEvaluator(Limits).Next(Primary(readOnly: true), null, Now);

        Assert.Equal(HealthState.Online, health.State);
        Assert.True(health.ReadOnly);
        Assert.False(health.AcceptsWrites);
        Assert.Contains("read_only is ON", health.Warning);
    }

    [Fact]
    public void Next_PrimaryWritable_AcceptsWritesWithoutWarning()
    {
        var health = new HealthEvaluator(Limits).Next(Primary(readOnly: false), null, Now);

        Assert.True(health.AcceptsWrites);
        Assert.Equal("", health.Warning);
    }

    [Fact]
    public void Next_ReplicaNotReadOnly_StaysOnlineWithAWarning()
    {
        var health = new HealthEvaluator(Limits).Next(Replica(readOnly: false), null, Now);

        Assert.Equal(HealthState.Online, health.State);
        Assert.False(health.ReadOnly);
        Assert.Contains("read_only is OFF", health.Warning);
    }

    [Fact]
    public void Next_ReplicaReadOnly_HasNoWarning()
    {
        Assert.Equal("", new HealthEvaluator(Limits).Next(Replica(readOnly: true), null, Now).Warning);
    }

    [Fact]
    public void Next_Unreachable_ReadOnlyUnknownAndNoWarning()
    {
        var health = new HealthEvaluator(Limits).Next(HealthCheckResult.Unreachable(isReplica: false, "refused"), null, Now);

        Assert.Null(health.ReadOnly);
        Assert.Equal("", health.Warning);
        Assert.False(health.AcceptsWrites);
    }
}
