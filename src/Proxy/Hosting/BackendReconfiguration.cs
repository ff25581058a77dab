using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Logging;

namespace Switchyard.Proxy.Hosting;

/// <summary>
/// Applies the replicas of each reloaded configuration to the running proxy. A replica is identified by its name and
/// everything the proxy derives from its entry (address, weight, lag limit, region, groups): one whose entry changed
/// is removed and added again, since its pool, monitor connection and thresholds are all built from that entry.
/// Added: a pool, a monitor loop (the replica is Unchecked, so it gets reads from its first healthy check on; with no
/// monitor, at once) and metrics series. Removed: out of rotation at once, its monitor stopped and its series gone;
/// its pool drains — sessions holding one of its connections (a transaction, a pin, a statement in flight) keep it
/// until they let go — and is then closed. The primary is not changed at runtime (ConfigDiff reports it as needing a
/// restart).
/// </summary>
internal sealed class BackendReconfiguration
{
    private readonly ProxyContext _context;
    private readonly ILogger _logger;
    private readonly Lock _applying = new();
    private readonly List<Task> _drains = [];

    public BackendReconfiguration(ProxyContext context, ILogger logger)
    {
        _context = context;
        _logger = logger;
    }

    /// <summary>Drains still running, for shutdown and tests.</summary>
    public Task DrainsAsync()
    {
        lock (_applying)
            return Task.WhenAll(_drains);
    }

    /// <summary>Brings the replicas in line with <paramref name="next"/>. Quick: it opens no connection and waits for
    /// no drain (it runs on the reloading thread).</summary>
    public void Apply(SwitchyardConfig next)
    {
        lock (_applying)
        {
            var current = _context.BackendSet;
            var wanted = next.Backends.Where(b => b.Role == BackendRole.Replica && b.Name != current.Primary.Name).ToList();
            var removed = current.Replicas.Where(p => !wanted.Any(w => ConfigDiff.SameBackend(w, p.Endpoint.Config))).ToList();
            var added = wanted.Where(w => !current.Replicas.Any(p => ConfigDiff.SameBackend(w, p.Endpoint.Config)))
                .Select(w => _context.CreatePool(new BackendEndpoint(w))).ToList();
            if (removed.Count == 0 && added.Count == 0)
                return;

            // Health first, then rotation: a new replica is Unchecked (not eligible) before any session can see it.
            foreach (var pool in added)
                _context.Monitor?.Add(pool.Endpoint);
            _context.SwapBackends(current.With(removed, added), removed);
            foreach (var pool in added)
                Log.BackendAdded(_logger, pool.Endpoint.Name, pool.Endpoint.Address, _context.Monitor is null ? "now" : "after its first healthy check");
            foreach (var pool in removed)
            {
                Log.BackendRemoved(_logger, pool.Endpoint.Name, pool.Endpoint.Address, pool.LeasedConnections);
                _drains.RemoveAll(t => t.IsCompleted);
                _drains.Add(DrainAsync(pool));
            }
        }
    }

    private async Task DrainAsync(BackendPool pool)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            if (_context.Monitor is { } monitor)
                await monitor.RemoveAsync(pool.Endpoint).ConfigureAwait(false);
            await pool.DrainAsync().ConfigureAwait(false);
            Log.BackendDrained(_logger, pool.Endpoint.Name, pool.Endpoint.Address, (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e)
        {
            Log.BackendDrainFailed(_logger, pool.Endpoint.Name, pool.Endpoint.Address, e);
        }
        finally
        {
            _context.Drained(pool);
        }
    }
}
