using System.Diagnostics;
using System.Globalization;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Logging;
using Switchyard.Proxy.Metrics;
using Switchyard.Routing.Consistency;

namespace Switchyard.Proxy.Sessions;

/// <summary>Leasing a replica for a read whose consistency constrains it: a lag bound, or a GTID the replica must
/// have applied (known from the monitor or an earlier wait, else waited for with MASTER_GTID_WAIT).</summary>
internal sealed partial class SessionBackends
{
    public static bool IsConstrained(in ReadPlan plan) =>
        plan.Kind == ReadPlanKind.ReplicaAfterGtid || plan.Requirement.MaxLagSeconds is not null || plan.Requirement.Gtid is not null;

    /// <summary>A replica meeting <paramref name="plan"/>, or null (the caller uses the primary); fallbacks and
    /// read-your-writes decisions are counted here.</summary>
    private async ValueTask<BackendConnection?> LeaseConsistentReplicaAsync(ReadPlan plan, CancellationToken cancellationToken)
    {
        var metrics = context.Consistency.Metrics;
        var replica = await LeaseReplicaAsync(plan.Requirement, cancellationToken).ConfigureAwait(false);
        if (plan.Kind != ReadPlanKind.ReplicaAfterGtid || plan.Requirement.Gtid is not { } gtid)
        {
            if (replica is null)
                metrics.Fallback(plan.Requirement.MaxLagSeconds is not null ? "no_replica_within_max_lag" : "no_replica_has_gtid");
            return replica;
        }
        if (replica is not null)
        {
            metrics.Decision(RywDecision.ReplicaCaughtUp);
            return replica;
        }
        replica = await WaitOnReplicaAsync(gtid, cancellationToken).ConfigureAwait(false);
        metrics.Decision(replica is null ? RywDecision.PrimaryFallback : RywDecision.Waited);
        return replica;
    }

    /// <summary>Waits for <paramref name="gtid"/> on the online replica with the smallest measured lag (one replica
    /// only: the timeout bounds what a read may add). A replica that cannot be reached is skipped for the next.</summary>
    private async ValueTask<BackendConnection?> WaitOnReplicaAsync(GtidSet gtid, CancellationToken cancellationToken)
    {
        var metrics = context.Consistency.Metrics;
        var timeout = context.Consistency.GtidWaitTimeout;
        ulong tried = 0;
        while (context.Replicas.ChooseLeastLagged(tried, out var bit) is { } pool)
        {
            tried |= bit;
            BackendConnection connection;
            try
            {
                connection = await pool.LeaseAsync(Profile, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is BackendUnavailableException or PoolExhaustedException)
            {
                if (e is BackendUnavailableException)
                    pool.Endpoint.MarkUnavailable(context.Config.Routing.ReplicaRetryDelay);
                Log.ReplicaSkipped(logger, sessionId, pool.Endpoint.Name, e.Message);
                continue;
            }
            var started = Stopwatch.GetTimestamp();
            string? value;
            string? failure;
            try
            {
                var (result, error) = await connection.QueryScalarAsync(WaitSql(gtid, timeout), cancellationToken).ConfigureAwait(false);
                value = result;
                failure = error is null ? null : $"{error.ErrorCode} {error.Message}";
            }
            catch (Exception e) when (e is IOException or EndOfStreamException or InvalidDataException or System.Net.Sockets.SocketException or Protocol.ProtocolException)
            {
                value = null;
                failure = e.Message;
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.Waited(elapsed.TotalSeconds);
            var reached = failure is null && value == "0";
            Log.GtidWaited(logger, sessionId, pool.Endpoint.Name, gtid.ToString(), elapsed.TotalMilliseconds, reached ? "reached" : failure ?? $"returned {value ?? "NULL"}");
            if (reached)
            {
                pool.Endpoint.RecordProven(gtid);
                return connection;
            }
            if (connection.IsBroken)
                await pool.DiscardAsync(connection, "broken during MASTER_GTID_WAIT").ConfigureAwait(false);
            else
                pool.Return(connection, dirty: false);
            metrics.Fallback(failure is not null ? "gtid_wait_failed" : "gtid_wait_timeout");
            return null;
        }
        metrics.Fallback("no_replica_to_wait_on");
        return null;
    }

    /// <summary>MariaDB's MASTER_GTID_WAIT, or MySQL's WAIT_FOR_EXECUTED_GTID_SET; both answer 0 when the position
    /// was reached (MariaDB -1, MySQL 1 on timeout; NULL on error).</summary>
    private static string WaitSql(GtidSet gtid, TimeSpan timeout)
    {
        var seconds = timeout.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture);
        var text = gtid.ToString().Replace("'", "", StringComparison.Ordinal);
        return gtid.Flavor == GtidFlavor.MySql
            ? $"SELECT WAIT_FOR_EXECUTED_GTID_SET('{text}', {seconds})"
            : $"SELECT MASTER_GTID_WAIT('{text}', {seconds})";
    }
}
