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
        if (plan.Kind != ReadPlanKind.ReplicaAfterGtid || plan.Requirement.Gtid is not { } gtid)
        {
            var within = await LeaseReplicaAsync(plan.Requirement, cancellationToken).ConfigureAwait(false);
            if (within is null)
                metrics.Fallback(plan.Requirement.MaxLagSeconds is not null ? "no_replica_within_max_lag" : "no_replica_has_gtid");
            return within;
        }

        // The balancing policy's own choice first, so that reads after a write still spread: used at once when it is
        // known to have the write, waited on when it is measured close enough behind for the wait to succeed.
        ulong waited = 0;
        if (context.Replicas.Choose(0, ReadRequirement.None, out var pickBit, RouteGroup) is { } pick)
        {
            if (pick.Endpoint.KnownToHave(gtid))
            {
                if (await TryLeaseAsync(pick, cancellationToken).ConfigureAwait(false) is { } known)
                {
                    metrics.Decision(RywDecision.ReplicaCaughtUp);
                    return known;
                }
            }
            else if (pick.Endpoint.Health?.LagSeconds is { } lag && lag <= context.Consistency.GtidWaitTimeout.TotalSeconds)
            {
                waited = pickBit;
                if (await WaitOnAsync(pick, gtid, cancellationToken).ConfigureAwait(false) is { } caughtUp)
                {
                    metrics.Decision(RywDecision.Waited);
                    return caughtUp;
                }
            }
        }
        // Any replica known to have it (the monitor's position, or one a wait proved).
        if (await LeaseReplicaAsync(plan.Requirement, cancellationToken).ConfigureAwait(false) is { } replica)
        {
            metrics.Decision(RywDecision.ReplicaCaughtUp);
            return replica;
        }
        // Else wait on the replica most likely to get there soon: at most one wait per read, so the timeout bounds the delay.
        if (waited == 0 && context.Replicas.ChooseLeastLagged(0, out _, RouteGroup) is { } closest)
        {
            if (await WaitOnAsync(closest, gtid, cancellationToken).ConfigureAwait(false) is { } afterWait)
            {
                metrics.Decision(RywDecision.Waited);
                return afterWait;
            }
        }
        else if (waited == 0)
        {
            metrics.Fallback("no_replica_to_wait_on");
        }
        metrics.Decision(RywDecision.PrimaryFallback);
        return null;
    }

    private async ValueTask<BackendConnection?> TryLeaseAsync(BackendPool pool, CancellationToken cancellationToken)
    {
        try
        {
            return await LeaseWarmAsync(pool, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BackendUnavailableException or PoolExhaustedException)
        {
            if (e is BackendUnavailableException)
                pool.Endpoint.MarkUnavailable(context.Config.Routing.ReplicaRetryDelay);
            Log.ReplicaSkipped(logger, sessionId, pool.Endpoint.Name, e.Message);
            return null;
        }
    }

    /// <summary>Runs MASTER_GTID_WAIT for <paramref name="gtid"/> on a connection of <paramref name="pool"/>, bounded by
    /// gtid_wait_timeout. Returns that connection when the replica reached the GTID (and remembers the position it
    /// proved), else gives it back and returns null.</summary>
    private async ValueTask<BackendConnection?> WaitOnAsync(BackendPool pool, GtidSet gtid, CancellationToken cancellationToken)
    {
        var metrics = context.Consistency.Metrics;
        if (await TryLeaseAsync(pool, cancellationToken).ConfigureAwait(false) is not { } connection)
        {
            metrics.Fallback("gtid_wait_failed");
            return null;
        }
        var started = Stopwatch.GetTimestamp();
        string? value;
        string? failure;
        try
        {
            var (result, error) = await connection.QueryScalarAsync(WaitSql(gtid, context.Consistency.GtidWaitTimeout), cancellationToken).ConfigureAwait(false);
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
