namespace Switchyard.Routing.Health;

/// <summary>The limits one backend is judged by.</summary>
/// <param name="MaxLag">A replica lagging more than this is <see cref="HealthState.Lagging"/>.</param>
/// <param name="LagRecoveryRatio">A lagging replica is back only at lag ≤ ratio × <paramref name="MaxLag"/>.</param>
/// <param name="FailuresToDown">Consecutive failed checks before <see cref="HealthState.Down"/>.</param>
/// <param name="SuccessesToOnline">Consecutive healthy checks before a backend that was out is online again.</param>
internal sealed record HealthThresholds(TimeSpan MaxLag, double LagRecoveryRatio = 0.8, int FailuresToDown = 1, int SuccessesToOnline = 2)
{
    /// <summary>Connection errors from live traffic within <see cref="ShunWindow"/> that make the backend
    /// <see cref="HealthState.Shunned"/>.</summary>
    public int ShunAfterErrors { get; init; } = 3;

    /// <summary>The sliding window <see cref="ShunAfterErrors"/> is counted in.</summary>
    public TimeSpan ShunWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The topology is a Galera cluster (topology.kind: galera): a backend that is not a Galera node
    /// (@@wsrep_on OFF) is <see cref="HealthState.Broken"/>.</summary>
    public bool RequireGalera { get; init; }

    public double MaxLagSeconds => MaxLag.TotalSeconds;
    public double RecoveryLagSeconds => MaxLag.TotalSeconds * LagRecoveryRatio;
}
