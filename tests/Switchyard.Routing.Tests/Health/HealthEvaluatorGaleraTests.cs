using Switchyard.Routing.Health;
using static Switchyard.Routing.Tests.Health.HealthEvaluatorTests;

namespace Switchyard.Routing.Tests.Health;

public sealed class HealthEvaluatorGaleraTests
{
    private static readonly HealthThresholds Limits = new(TimeSpan.FromSeconds(5), LagRecoveryRatio: 0.8, FailuresToDown: 1, SuccessesToOnline: 2);
    private static readonly HealthThresholds GaleraLimits = Limits with { RequireGalera = true };

    private static WsrepStatus Wsrep(WsrepLocalState? state = WsrepLocalState.Synced, string? comment = "Synced", string? cluster = "Primary", bool? ready = true, int? size = 3) =>
        new(state, comment, cluster, ready, size, "n2");

    /// <summary>What the probe reports of a Galera node in the role of a replica: no replication fields at all (it has no
    /// SHOW SLAVE STATUS) and read_only OFF, as on every Galera node.</summary>
    private static HealthCheckResult Node(WsrepStatus? wsrep, bool isReplica = true) => new()
    {
        Reachable = true,
        IsReplica = isReplica,
        ReadOnly = false,
        RoundTrip = TimeSpan.FromMilliseconds(1),
        GtidPosition = "",
        Wsrep = wsrep,
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Next_SyncedNodeWithoutSlaveStatus_IsOnlineWithNoLagAndNoWarning(bool isReplica)
    {
        var health = Run(GaleraLimits, Node(Wsrep(), isReplica)).Single();

        Assert.Equal(HealthState.Online, health.State);
        Assert.Equal("", health.Reason);
        Assert.Equal("", health.Warning);
        Assert.Null(health.LagSeconds);
        Assert.Equal("Synced", health.Wsrep?.LocalStateComment);
    }

    [Theory]
    [InlineData(0, "Initialized", "wsrep_local_state 0")]
    [InlineData(1, "Joining: receiving State Transfer", "wsrep_local_state 1")]
    [InlineData(2, "Donor/Desynced", "wsrep_local_state 2")]
    [InlineData(3, "Joined", "wsrep_local_state 3")]
    public void Next_NodeNotSynced_IsUnsyncedWithItsStateInTheReason(int state, string comment, string expected)
    {
        var health = Run(GaleraLimits, Node(Wsrep((WsrepLocalState)state, comment))).Single();

        Assert.Equal(HealthState.Unsynced, health.State);
        Assert.Contains(comment, health.Reason, StringComparison.Ordinal);
        Assert.Contains(expected, health.Reason, StringComparison.Ordinal);
        Assert.False(health.IsOnline);
    }

    [Fact]
    public void Next_UnknownLocalState_IsUnsynced()
    {
        var health = Run(GaleraLimits, Node(Wsrep(state: null, comment: null))).Single();

        Assert.Equal(HealthState.Unsynced, health.State);
        Assert.Contains("unknown", health.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("non-Primary")]
    [InlineData("Disconnected")]
    [InlineData(null)]
    public void Next_SyncedButOutsideThePrimaryComponent_IsUnsynced(string? clusterStatus)
    {
        var health = Run(GaleraLimits, Node(Wsrep(cluster: clusterStatus))).Single();

        Assert.Equal(HealthState.Unsynced, health.State);
        Assert.Contains("Primary component", health.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(null)]
    public void Next_SyncedButNotReady_IsUnsynced(bool? ready)
    {
        var health = Run(GaleraLimits, Node(Wsrep(ready: ready))).Single();

        Assert.Equal(HealthState.Unsynced, health.State);
        Assert.Contains("wsrep_ready is OFF", health.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_DesyncedPrimary_TakesNoWrites()
    {
        var health = Run(GaleraLimits, Node(Wsrep(WsrepLocalState.DonorDesynced, "Donor/Desynced"), isReplica: false)).Single();

        Assert.Equal(HealthState.Unsynced, health.State);
        Assert.False(health.AcceptsWrites);
    }

    [Fact]
    public void Next_SyncedAgainAfterDesync_NeedsTheStreakOfHealthyChecks()
    {
        var states = Run(GaleraLimits,
            Node(Wsrep()),
            Node(Wsrep(WsrepLocalState.DonorDesynced, "Donor/Desynced")),
            Node(Wsrep()),
            Node(Wsrep())).Select(h => h.State);

        Assert.Equal([HealthState.Online, HealthState.Unsynced, HealthState.Unsynced, HealthState.Online], states);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Next_NotAGaleraNodeUnderGaleraTopology_IsBrokenWithAClearReason(bool isReplica)
    {
        // A plain replica with healthy replication is still the wrong kind of server for a Galera topology.
        var check = new HealthCheckResult
        {
            Reachable = true, IsReplica = isReplica, ReadOnly = isReplica, ReplicationConfigured = true,
            IoThreadRunning = true, SqlThreadRunning = true, SecondsBehindMaster = 0,
        };

        var health = Run(GaleraLimits, check).Single();

        Assert.Equal(HealthState.Broken, health.State);
        Assert.Contains("not a Galera node", health.Reason, StringComparison.Ordinal);
        Assert.False(health.AcceptsWrites);
    }

    [Fact]
    public void Next_GaleraNodeUnderPrimaryReplicaTopology_IsJudgedByItsWsrepStateNotByReplication()
    {
        var states = Run(Limits, Node(Wsrep()), Node(Wsrep(WsrepLocalState.Joined, "Joined"))).Select(h => h.State);

        Assert.Equal([HealthState.Online, HealthState.Unsynced], states);
    }

    [Fact]
    public void Next_UnreachableGaleraNode_IsDownAndForgetsItsWsrepState()
    {
        var health = Run(GaleraLimits, Node(Wsrep()), HealthCheckResult.Unreachable(true, "unreachable: refused")).Last();

        Assert.Equal(HealthState.Down, health.State);
        Assert.Null(health.Wsrep);
    }

    [Fact]
    public void FromVariables_ParsesTheStatusRows()
    {
        var status = WsrepStatus.FromVariables(new Dictionary<string, string>
        {
            ["wsrep_local_state"] = "2",
            ["wsrep_local_state_comment"] = "Donor/Desynced",
            ["wsrep_cluster_status"] = "Primary",
            ["wsrep_ready"] = "ON",
            ["wsrep_cluster_size"] = "3",
        }, "n1");

        Assert.Equal(new WsrepStatus(WsrepLocalState.DonorDesynced, "Donor/Desynced", "Primary", true, 3, "n1"), status);
        Assert.False(status.Serves);
    }

    [Theory]
    [InlineData("9", "ON")]
    [InlineData("x", "ON")]
    [InlineData("4", "OFF")]
    public void FromVariables_OutOfRangeStateOrReadyOff_DoesNotServe(string state, string ready)
    {
        var status = WsrepStatus.FromVariables(new Dictionary<string, string>
        {
            ["wsrep_local_state"] = state, ["wsrep_cluster_status"] = "Primary", ["wsrep_ready"] = ready,
        }, null);

        Assert.False(status.Serves);
        Assert.Null(status.ClusterSize);
    }

    [Fact]
    public void FromVariables_AllMissing_IsNullEverywhereAndDoesNotServe()
    {
        var status = WsrepStatus.FromVariables(new Dictionary<string, string>(), null);

        Assert.Equal(new WsrepStatus(null, null, null, null, null, null), status);
        Assert.False(status.Serves);
    }
}
