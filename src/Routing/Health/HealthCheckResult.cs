namespace Switchyard.Routing.Health;

/// <summary>What one monitor check measured on one backend, before any conclusion is drawn.</summary>
internal sealed record HealthCheckResult
{
    /// <summary>False when the connection or a query failed or timed out; <see cref="Error"/> says why.</summary>
    public required bool Reachable { get; init; }
    public string? Error { get; init; }
    /// <summary>Whether the backend is configured as a replica (replication state matters only then).</summary>
    public required bool IsReplica { get; init; }
    public bool? ReadOnly { get; init; }
    /// <summary>SHOW SLAVE STATUS returned a row: replication is configured on this server.</summary>
    public bool ReplicationConfigured { get; init; }
    public bool IoThreadRunning { get; init; }
    public bool SqlThreadRunning { get; init; }
    /// <summary>Seconds_Behind_Master; null means NULL (replication not running), never zero.</summary>
    public double? SecondsBehindMaster { get; init; }
    /// <summary>Lag from the heartbeat row, when the heartbeat is on and the row could be read.</summary>
    public double? HeartbeatLagSeconds { get; init; }
    public string? LastIoError { get; init; }
    public string? LastSqlError { get; init; }
    public long? LagBytes { get; init; }
    public TimeSpan? RoundTrip { get; init; }
    public string? GtidPosition { get; init; }
    /// <summary>The node's Galera state, when @@wsrep_on is ON on it (then replication state does not apply: a Galera
    /// node has no SHOW SLAVE STATUS and no lag in that sense); null on a server that is not a Galera node.</summary>
    public WsrepStatus? Wsrep { get; init; }

    /// <summary>The lag to judge by: the heartbeat's (sub-second) when there is one, else Seconds_Behind_Master.</summary>
    public double? LagSeconds => HeartbeatLagSeconds ?? SecondsBehindMaster;

    public static HealthCheckResult Unreachable(bool isReplica, string error, TimeSpan? roundTrip = null) =>
        new() { Reachable = false, IsReplica = isReplica, Error = error, RoundTrip = roundTrip };
}
