using System.Runtime.CompilerServices;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Logging;
using Switchyard.Proxy.Regions;
using Switchyard.Routing.Consistency;

namespace Switchyard.Proxy.Sessions;

/// <summary>
/// Multi-region leases (<c>regions:</c>): writes, transactions and strong reads go to the primary of the user's home
/// region (or, while it is down or catching up, of the region the router chose); reads try the regions nearest
/// first, then any backend.
/// </summary>
internal sealed partial class SessionBackends
{
    private Region?[]? _readOrder;
    private string? _homeKey;
    private string? _home;

    /// <summary>Sets the home region from the statement's user key; the last key's region is kept, so a session whose
    /// key does not change hashes it once.</summary>
    public void SetUserKey(string? userKey)
    {
        if (context.Regions is not { } regions || _home is not null && string.Equals(userKey, _homeKey, StringComparison.Ordinal))
            return;
        _homeKey = userKey;
        _home = regions.HomeOf(userKey);
    }

    /// <summary>The primary of the region that takes the home region's writes now; a region whose primary cannot be
    /// connected to is out for the retry delay and the next choice is tried (nothing was sent yet).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<BackendConnection> LeaseRegionalWriterAsync(RegionRouter regions, CancellationToken cancellationToken)
    {
        var home = _home ?? regions.Local;
        var stayAway = false;
        for (var attempt = 0; attempt <= regions.Regions.Count + 1; attempt++)
        {
            var (choice, waitFor) = regions.WriteRegionFor(home, stayAway);
            if (choice.Region is not { } region)
                break;
            var pool = regions.PrimaryOf(region);
            BackendConnection connection;
            try
            {
                connection = await LeaseWarmAsync(pool, cancellationToken).ConfigureAwait(false);
            }
            catch (BackendUnavailableException e)
            {
                Log.WriteRetriedOnNextWriter(logger, sessionId, pool.Endpoint.Name, e.Reason);
                pool.Endpoint.ConnectionFailed(context.Config.Routing.ReplicaRetryDelay, e.Reason);
                continue;
            }
            if (waitFor is not null && !await HomeHasAsync(connection, waitFor, cancellationToken).ConfigureAwait(false))
            {
                // Home is back but still applying what its users wrote elsewhere: this write stays away.
                await ReturnAsync(pool, connection).ConfigureAwait(false);
                stayAway = true;
                continue;
            }
            if (waitFor is not null)
                regions.HomeCaughtUp(home, waitFor);
            context.RegionMetrics?.Served(home, region, write: true);
            return connection;
        }
        throw new NoWriterException($"Switchyard: no region can take writes for home region '{home}': {regions.Unavailability()}");
    }

    /// <summary>MASTER_GTID_WAIT on home for what its users wrote elsewhere, bounded by gtid_wait_timeout.</summary>
    private async ValueTask<bool> HomeHasAsync(BackendConnection connection, GtidSet gtid, CancellationToken cancellationToken)
    {
        try
        {
            var (value, error) = await connection.QueryScalarAsync(WaitSql(gtid, context.Consistency.GtidWaitTimeout), cancellationToken).ConfigureAwait(false);
            return error is null && value == "0";
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or InvalidDataException or System.Net.Sockets.SocketException or Protocol.ProtocolException)
        {
            return false;
        }
    }

    private static ValueTask ReturnAsync(BackendPool pool, BackendConnection connection)
    {
        if (connection.IsBroken)
            return pool.DiscardAsync(connection, "broken during MASTER_GTID_WAIT");
        pool.Return(connection, dirty: false);
        return ValueTask.CompletedTask;
    }

    /// <summary>A read by nearness: the regions that can serve, nearest first, each by the balancing policy; null when
    /// none could (the caller then tries every backend).</summary>
    private async ValueTask<BackendConnection?> LeaseNearestAsync(RegionRouter regions, ReadRequirement requirement, CancellationToken cancellationToken)
    {
        var order = _readOrder ??= new Region?[regions.Regions.Count];
        var count = regions.ReadOrder(order);
        for (var i = 0; i < count; i++)
        {
            if (await LeaseFromAsync(requirement, order[i]!.ReadGroup, cancellationToken).ConfigureAwait(false) is { } connection)
            {
                context.RegionMetrics?.Served(_home ?? regions.Local, order[i]!.Name, write: false);
                return connection;
            }
        }
        return null;
    }

    /// <summary>A region's record of a write its user made elsewhere (see <see cref="RegionRouter.NoteAwayWrite"/>).</summary>
    public void NoteRegionalWrite(GtidSet gtid)
    {
        if (context.Regions is { } regions && _held is { } held && _home is { } home && !string.Equals(held.Endpoint.Config.Region, home, StringComparison.Ordinal))
            regions.NoteAwayWrite(home, gtid);
    }
}
