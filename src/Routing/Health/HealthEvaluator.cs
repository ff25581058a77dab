namespace Switchyard.Routing.Health;

/// <summary>Turns one backend's check results, and the connection errors live traffic meets on it, into its next
/// <see cref="BackendHealth"/>. Pure apart from the streak counters and error window it keeps for hysteresis, so one
/// instance belongs to one backend and its owner serialises the calls.</summary>
/// <remarks>Going out of rotation is immediate (except <see cref="HealthState.Down"/>, which waits for
/// <see cref="HealthThresholds.FailuresToDown"/> failures); coming back needs
/// <see cref="HealthThresholds.SuccessesToOnline"/> healthy checks in a row, and a lagging replica must also get
/// below the recovery lag, so a replica hovering at the limit does not flap. <see cref="HealthThresholds.ShunAfterErrors"/> connection errors
/// from traffic within <see cref="HealthThresholds.ShunWindow"/> shun the backend; it returns after
/// <see cref="HealthThresholds.SuccessesToOnline"/> healthy checks started after the shunning.</remarks>
internal sealed class HealthEvaluator(HealthThresholds thresholds)
{
    private readonly TrafficErrorWindow _trafficErrors = new(thresholds.ShunAfterErrors, thresholds.ShunWindow);
    private int _failures;
    private int _successes;
    private DateTimeOffset _shunnedAt = DateTimeOffset.MinValue;
    private readonly RoundTripWindow _roundTrips = new();

    public HealthThresholds Thresholds { get; } = thresholds;

    /// <summary>Live traffic met a connection error on this backend (<paramref name="error"/> says which).</summary>
    /// <returns>The backend's health shunned, when this error completes <see cref="HealthThresholds.ShunAfterErrors"/>
    /// within the window (also when already shunned: its recovery then starts over); null when it does not, or when the
    /// monitor already has it down.</returns>
    public BackendHealth? TrafficError(string error, BackendHealth? previous, DateTimeOffset now)
    {
        previous ??= BackendHealth.Unchecked;
        // Down already keeps it out until the same streak of healthy checks, and says more than "shunned" would.
        if (!_trafficErrors.Record(now) || previous.State == HealthState.Down)
            return null;
        _successes = 0;
        _shunnedAt = now;
        var reason = $"{Thresholds.ShunAfterErrors} connection errors from client traffic within {Thresholds.ShunWindow.TotalSeconds:0.###} s, the last: {error}";
        return previous with { State = HealthState.Shunned, Reason = reason };
    }

    /// <param name="check">What the check measured.</param>
    /// <param name="previous">The backend's health before (null: never checked).</param>
    /// <param name="now">When the check finished.</param>
    /// <param name="startedAt">When the check started: a healthy check that started before a shunning does not count
    /// towards the shunned backend's recovery (null: it counts).</param>
    public BackendHealth Next(HealthCheckResult check, BackendHealth? previous, DateTimeOffset now, DateTimeOffset? startedAt = null)
    {
        previous ??= BackendHealth.Unchecked;
        check = check with { RoundTrip = WindowedRoundTrip(check) };
        var (observed, reason) = Observe(check, previous.State);

        if (observed == HealthState.Down)
        {
            _successes = 0;
            _failures++;
            if (_failures < Thresholds.FailuresToDown && previous.State != HealthState.Unknown)
                return Build(previous.State, $"check failed ({_failures} of {Thresholds.FailuresToDown} before down): {reason}", check, now);
            return Build(HealthState.Down, reason, check, now);
        }
        _failures = 0;

        if (observed != HealthState.Online)
        {
            _successes = 0;
            return Build(observed, reason, check, now);
        }

        if (previous.State == HealthState.Shunned && startedAt < _shunnedAt)
            return Build(HealthState.Shunned, previous.Reason, check, now);
        _successes++;
        // The first check after start-up needs no streak: there is nothing to flap from.
        if (previous.State is HealthState.Online or HealthState.Unknown || _successes >= Thresholds.SuccessesToOnline)
            return Build(HealthState.Online, "", check, now);
        return Build(previous.State, $"recovering from {previous.State.ToString().ToLowerInvariant()} ({_successes} of {Thresholds.SuccessesToOnline} healthy checks)", check, now);
    }

    /// <summary>The round trip regions are ranked by (see <see cref="RoundTripWindow"/>). A check that failed reports
    /// its own time and starts the window afresh.</summary>
    private TimeSpan? WindowedRoundTrip(HealthCheckResult check)
    {
        if (!check.Reachable || check.RoundTrip is not { } sample)
        {
            _roundTrips.Clear();
            return check.RoundTrip;
        }
        return _roundTrips.Add(sample);
    }

    /// <summary>What this one check says on its own (the lag hysteresis needs the previous state).</summary>
    private (HealthState State, string Reason) Observe(HealthCheckResult check, HealthState previous)
    {
        if (!check.Reachable)
            return (HealthState.Down, string.IsNullOrEmpty(check.Error) ? "unreachable" : check.Error);
        if (check.Wsrep is { } wsrep)
            return ObserveGalera(wsrep);
        if (Thresholds.RequireGalera)
            return (HealthState.Broken, "not a Galera node (wsrep_on is OFF) but topology.kind is galera");
        if (!check.IsReplica)
            return (HealthState.Online, "");
        if (!check.ReplicationConfigured)
            return (HealthState.Broken, "replication is not configured (SHOW SLAVE STATUS is empty)");
        if (!check.IoThreadRunning)
            return (HealthState.Broken, WithError("replication IO thread is not running", check.LastIoError));
        if (!check.SqlThreadRunning)
            return (HealthState.Broken, WithError("replication SQL thread is not running", check.LastSqlError));
        if (check.SecondsBehindMaster is null)
            return (HealthState.Broken, "Seconds_Behind_Master is NULL: the replica's lag is unknown");

        var lag = check.LagSeconds!.Value;
        if (lag > Thresholds.MaxLagSeconds)
            return (HealthState.Lagging, $"lag {lag:0.###} s is above the limit of {Thresholds.MaxLagSeconds:0.###} s");
        var wasLagging = previous == HealthState.Lagging;
        if (wasLagging && lag > Thresholds.RecoveryLagSeconds)
            return (HealthState.Lagging, $"lag {lag:0.###} s is not yet below {Thresholds.RecoveryLagSeconds:0.###} s ({Thresholds.LagRecoveryRatio:0.##} of the limit)");
        return (HealthState.Online, "");
    }

    /// <summary>A Galera node serves only when Synced in the Primary component with wsrep_ready ON, whatever its role:
    /// its replication is Galera's, so SHOW SLAVE STATUS and lag do not apply.</summary>
    private static (HealthState State, string Reason) ObserveGalera(WsrepStatus wsrep)
    {
        if (!wsrep.IsPrimaryComponent)
            return (HealthState.Unsynced, $"not in the Primary component (wsrep_cluster_status {wsrep.ClusterStatus ?? "unknown"}): it may be a partition without quorum");
        if (wsrep.Ready != true)
            return (HealthState.Unsynced, "wsrep_ready is OFF: the node does not accept queries");
        return wsrep.LocalState switch
        {
            WsrepLocalState.Synced => (HealthState.Online, ""),
            WsrepLocalState.DonorDesynced => (HealthState.Unsynced, $"{Comment(wsrep, "Donor/Desynced")} (wsrep_local_state 2): donating a state transfer or desynced, it may fall behind the cluster"),
            WsrepLocalState.Joining => (HealthState.Unsynced, $"{Comment(wsrep, "Joining")} (wsrep_local_state 1): receiving a state transfer, its data is incomplete"),
            WsrepLocalState.Joined => (HealthState.Unsynced, $"{Comment(wsrep, "Joined")} (wsrep_local_state 3): applying the writesets queued since its state transfer"),
            WsrepLocalState.Undefined => (HealthState.Unsynced, $"{Comment(wsrep, "Initialized")} (wsrep_local_state 0): not connected to the cluster"),
            _ => (HealthState.Unsynced, "wsrep_local_state is unknown"),
        };
    }

    private static string Comment(WsrepStatus wsrep, string fallback) =>
        string.IsNullOrEmpty(wsrep.LocalStateComment) ? fallback : wsrep.LocalStateComment;

    private static string WithError(string what, string? error) =>
        string.IsNullOrWhiteSpace(error) ? what : $"{what}: {error}";

    /// <summary>What @@read_only says that does not change the state: a primary with it ON takes no writes, a replica
    /// with it OFF can be written to directly and diverge from the primary.</summary>
    /// <remarks>Galera nodes are all writable and certification keeps them identical, so read_only OFF on one in the role
    /// of a replica is normal there.</remarks>
    private static string Warning(HealthCheckResult check) => (check.Reachable, check.IsReplica, check.ReadOnly, check.Wsrep is not null) switch
    {
        (true, false, true, _) => "read_only is ON: the primary refuses writes",
        (true, true, false, false) => "read_only is OFF on a replica: a direct write to it would make it diverge from the primary",
        _ => "",
    };

    private static BackendHealth Build(HealthState state, string reason, HealthCheckResult check, DateTimeOffset now) =>
        new(state, reason, check.Reachable ? check.LagSeconds : null, check.Reachable ? check.LagBytes : null, check.RoundTrip, check.GtidPosition, now)
        {
            ReadOnly = check.Reachable ? check.ReadOnly : null,
            Warning = Warning(check),
            Wsrep = check.Reachable ? check.Wsrep : null,
        };
}
