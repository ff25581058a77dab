using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Logging;
using Switchyard.Proxy.Sessions;
using Switchyard.Protocol.Commands;
using Switchyard.Routing.Sessions;

namespace Switchyard.Proxy.Backends;

/// <summary>
/// Connections to one backend: idle ones kept per <see cref="ConnectionProfile"/>, a cap on open connections,
/// a bounded wait when the cap is reached, idle/age expiry and a minimum of idle connections kept warm. Sessions
/// lease a connection per statement and give it back at once unless something pins them to it, so leasing and
/// returning are cheap (a lock and a list, no allocation). A connection is returned either clean — its
/// movable session state is recorded on it and replayed or undone by the next user — or dirty, when it may hold
/// state that cannot move (temporary tables, user variables, locks); a dirty one is reset with COM_CHANGE_USER
/// (see BackendConnector.ResetAsync) before anyone else gets it, so no state leaks between clients.
/// </summary>
internal sealed class BackendPool : IAsyncDisposable
{
    private readonly BackendEndpoint _endpoint;
    private readonly BackendConnector _connector;
    private readonly PoolConfig _config;
    private readonly ILogger _logger;
    private readonly Dictionary<ConnectionProfile, IdleConnections<BackendConnection>> _idle = new();
    private readonly Lock _idleLock = new();
    private readonly SemaphoreSlim _permits;
    // Connections lent out, so that those to a hung server can be aborted (a HashSet reuses its slots: no allocation
    // per lease once grown).
    private readonly HashSet<BackendConnection> _inUse = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _inUseLock = new();
    private readonly Timer _reaper;
    private int _open;
    private int _idleCount;
    private int _leased;
    private volatile bool _disposed;
    // Set once when a reload removed the backend: no new leases, connections coming back are closed.
    private int _draining;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BackendPool(BackendEndpoint endpoint, BackendConnector connector, PoolConfig config, ILogger logger)
    {
        _endpoint = endpoint;
        _connector = connector;
        _config = config;
        _logger = logger;
        _permits = new SemaphoreSlim(config.MaxConnectionsPerBackend, config.MaxConnectionsPerBackend);
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, Math.Min(config.IdleTimeout.Ticks, config.MaxAge.Ticks) / 2));
        _reaper = new Timer(_ => ReapExpired(), null, period, period);
    }

    public BackendEndpoint Endpoint => _endpoint;

    /// <summary>The backend's pipelined lanes (null: reads are not pipelined to it; see routing.pipelined_lanes).</summary>
    public Pipelining.LaneSet? Lanes { get; private set; }

    /// <summary>Lets sessions pipeline eligible reads over up to <paramref name="lanes"/> shared connections per client
    /// profile, schema and session settings, each leased from this pool for as long as it works.</summary>
    public void EnableLanes(int lanes, int maxDepth, TimeSpan stallTimeout) =>
        Lanes = new Pipelining.LaneSet(this, lanes, maxDepth, stallTimeout, _logger);

    /// <summary>Check every idle connection for a close by the server before lending it, not only those idle for
    /// liveness_check_after: set for the writers of a multi-primary topology, where a write sent on a connection the
    /// server already closed would have an unknown outcome instead of going to the next writer.</summary>
    public bool CheckLivenessAlways { get; init; }

    /// <summary>Called with the backend's name when a lease has to wait for a free connection (counted in metrics).</summary>
    public Action<string>? Waited { get; set; }
    public int OpenConnections => Volatile.Read(ref _open);
    public int IdleConnections => Volatile.Read(ref _idleCount);
    /// <summary>Connections lent to sessions right now (the least-connections policy balances on it).</summary>
    public int LeasedConnections => Volatile.Read(ref _leased);

    /// <summary>A reload removed the backend: its pool lends nothing more and closes once every lease is back.</summary>
    public bool IsDraining => Volatile.Read(ref _draining) != 0;

    public ValueTask<BackendConnection> LeaseAsync(ConnectionProfile profile, CancellationToken cancellationToken) =>
        LeaseAsync(profile, preferred: null, cancellationToken);

    /// <summary>A connection of <paramref name="profile"/>: <paramref name="preferred"/> if it is idle here (the one the
    /// session used last, whose statements are prepared and whose server thread is warm), else the most recently
    /// returned one, else a new one.</summary>
    public async ValueTask<BackendConnection> LeaseAsync(ConnectionProfile profile, BackendConnection? preferred, CancellationToken cancellationToken)
    {
        // A session that chose this replica just before a reload removed it: it skips to another, like a replica down.
        if (IsDraining)
            throw new BackendUnavailableException(_endpoint, "removed from the configuration");
        ObjectDisposedException.ThrowIf(_disposed, this);
        // A permit per connection in use: a waiter wakes as soon as any connection comes back, not only when
        // one is closed.
        if (!_permits.Wait(0))
        {
            Waited?.Invoke(_endpoint.Name);
            var waitStarted = Stopwatch.GetTimestamp();
            if (!await _permits.WaitAsync(_config.WaitTimeout, cancellationToken).ConfigureAwait(false))
            {
                Log.PoolExhausted(_logger, _endpoint.Name, (long)Stopwatch.GetElapsedTime(waitStarted).TotalMilliseconds, LeasedConnections);
                throw new PoolExhaustedException(_endpoint, _config.WaitTimeout, _config.MaxConnectionsPerBackend);
            }
        }
        return await LeaseWithPermitAsync(profile, preferred, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A connection for a pipelined lane, which keeps it for as long as it works: only when one is free at once
    /// and <paramref name="lanes"/> lanes already open leave at least half of max_connections_per_backend to sessions
    /// (null otherwise, without waiting), so that lanes never starve the statements that cannot use them.</summary>
    public async ValueTask<BackendConnection?> TryLeaseForLaneAsync(ConnectionProfile profile, int lanes, CancellationToken cancellationToken)
    {
        if (IsDraining || _disposed || lanes + 1 > _config.MaxConnectionsPerBackend / 2 || !_permits.Wait(0))
            return null;
        return await LeaseWithPermitAsync(profile, preferred: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The lease once its permit is taken; the permit is given back if no connection can be had.</summary>
    private async ValueTask<BackendConnection> LeaseWithPermitAsync(ConnectionProfile profile, BackendConnection? preferred, CancellationToken cancellationToken)
    {
        try
        {
            while (TryTakeIdle(profile, preferred, out var idle))
            {
                var now = Stopwatch.GetTimestamp();
                if (IsExpired(idle, now))
                {
                    await CloseAsync(idle, "expired").ConfigureAwait(false);
                    continue;
                }
                // A connection idle for a while may have been closed by the server (wait_timeout, KILL, restart); the
                // check costs a poll, so connections that were in use a moment ago skip it.
                if ((CheckLivenessAlways || Stopwatch.GetElapsedTime(idle.LastUsedTimestamp, now) >= _config.LivenessCheckAfter) && idle.Channel.HasUnexpectedInput())
                {
                    await CloseAsync(idle, "closed by the server while idle").ConfigureAwait(false);
                    continue;
                }
                return Leased(idle);
            }

            // At the cap with idle connections of another profile only: one of them is worth less than this client.
            if (Volatile.Read(ref _open) >= _config.MaxConnectionsPerBackend && TryEvictIdleOfOtherProfile(profile, out var victim))
                await CloseAsync(victim!, "evicted for another profile").ConfigureAwait(false);
            Interlocked.Increment(ref _open);
            try
            {
                var connection = await _connector.ConnectAsync(_endpoint, profile, cancellationToken).ConfigureAwait(false);
                RememberProfile(profile);
                return Leased(connection);
            }
            catch (Exception e)
            {
                Interlocked.Decrement(ref _open);
                if (e is BackendUnavailableException unavailable)
                    _endpoint.ReportTrafficError(unavailable.Reason);
                throw;
            }
        }
        catch
        {
            _permits.Release();
            throw;
        }
    }

    /// <summary>Takes a connection back. <paramref name="dirty"/>: the client may have left session state on it.</summary>
    public void Return(BackendConnection connection, bool dirty)
    {
        Forget(connection);
        var draining = IsDraining;
        if (_disposed || draining || connection.IsBroken || IsExpired(connection, Stopwatch.GetTimestamp()))
        {
            _permits.Release();
            _ = CloseAsync(connection, connection.IsBroken ? "broken" : draining ? "backend removed, draining" : "expired or pool closed");
            Unleased();
            return;
        }
        Unleased();
        if (!dirty)
        {
            PushIdle(connection);
            _permits.Release();
            return;
        }
        // Its permit is released once the reset is done: until then it is neither usable nor closed.
        _ = ResetAndPushAsync(connection);
    }

    /// <summary>Closes a connection whose state cannot be trusted, freeing its slot.</summary>
    public ValueTask DiscardAsync(BackendConnection connection, string reason)
    {
        Forget(connection);
        _permits.Release();
        var closing = CloseAsync(connection, reason);
        Unleased();
        return closing;
    }

    /// <summary>One lease fewer; the last one back completes a drain.</summary>
    private void Unleased()
    {
        if (Interlocked.Decrement(ref _leased) == 0 && IsDraining)
            _drained.TrySetResult();
    }

    /// <summary>Stops lending (a reload removed the backend), closes the idle connections, waits until every
    /// connection in use — a pinned session's transaction, a statement in flight — came back and was closed, then
    /// disposes the pool. Sessions holding a connection keep it until they release it; nobody else is touched.</summary>
    public async Task DrainAsync()
    {
        // Interlocked: a full fence between raising the flag and reading the lease count, against Unleased() doing
        // the opposite on another thread — one of the two sees the other and completes the drain.
        Interlocked.Exchange(ref _draining, 1);
        // Lanes hold their connections for good: they close now, and what waited in them is sent elsewhere.
        Lanes?.Close();
        foreach (var idle in TakeAllIdle())
            await CloseAsync(idle, "backend removed").ConfigureAwait(false);
        if (LeasedConnections == 0)
            _drained.TrySetResult();
        // A lease that passed the draining check just before the flag rose may still complete after this: its session
        // is served, and the connection is closed when it comes back to the disposed pool. No drain timeout: a session
        // idle in a transaction on a removed replica keeps it (and its connection) until it ends.
        await _drained.Task.ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
    }

    private BackendConnection Leased(BackendConnection connection)
    {
        Interlocked.Increment(ref _leased);
        lock (_inUseLock)
            _inUse.Add(connection);
        return connection;
    }

    private void Forget(BackendConnection connection)
    {
        lock (_inUseLock)
            _inUse.Remove(connection);
    }

    /// <summary>The server stopped answering (a check timed out): every connection lent out is aborted, so that a
    /// session waiting on one fails at once instead of for as long as the server hangs — a read that got no byte of
    /// its answer is then sent elsewhere. Their sessions give them back as broken.</summary>
    /// <returns>How many were aborted.</returns>
    public int AbortInUse()
    {
        BackendConnection[] all;
        lock (_inUseLock)
            all = [.. _inUse];
        foreach (var connection in all)
        {
            connection.MarkBroken();
            connection.Channel.Abort();
        }
        return all.Length;
    }

    /// <summary>Resets a leased connection in place (COM_CHANGE_USER): no schema, no session state.</summary>
    public Task ResetAsync(BackendConnection connection, CancellationToken cancellationToken) =>
        _connector.ResetAsync(connection, cancellationToken);

    /// <summary>Makes the connection's schema and movable session state the given ones, sending only the difference.
    /// Throws <see cref="SessionStateException"/> when the server refuses a statement; after a refused SET the
    /// connection's state is unknown, so it is marked broken and closed rather than reused.</summary>
    public async ValueTask ApplyStateAsync(BackendConnection connection, string? schema, SessionState state, byte collation, CancellationToken cancellationToken)
    {
        if (connection.Schema != schema)
        {
            if (schema is null)
            {
                // No command unselects a database: start from a fresh connection state instead.
                await ResetAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var error = await connection.RunSimpleCommandAsync(CommandCode.InitDb, Encoding.UTF8.GetBytes(schema), cancellationToken).ConfigureAwait(false);
                if (error is not null)
                    throw new SessionStateException(_endpoint.Name, $"USE {schema}", error);
                connection.Schema = schema;
            }
        }
        if (ReferenceEquals(connection.AppliedState, state))
            return;
        foreach (var sql in SessionStateDiff.Statements(connection.AppliedState, state, CharsetNames.ForCollation(collation)))
        {
            var error = await connection.RunSimpleCommandAsync(CommandCode.Query, Encoding.UTF8.GetBytes(sql), cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                connection.MarkBroken();
                throw new SessionStateException(_endpoint.Name, sql, error);
            }
        }
        connection.AppliedState = state;
    }

    private async Task ResetAndPushAsync(BackendConnection connection)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _connector.ResetAsync(connection, timeout.Token).ConfigureAwait(false);
            if (_disposed || IsDraining)
                await CloseAsync(connection, "pool closed or draining").ConfigureAwait(false);
            else
                PushIdle(connection);
        }
        catch (Exception e)
        {
            await CloseAsync(connection, $"reset failed: {e.Message}").ConfigureAwait(false);
        }
        finally
        {
            _permits.Release();
        }
    }

    private void PushIdle(BackendConnection connection)
    {
        connection.LastUsedTimestamp = Stopwatch.GetTimestamp();
        lock (_idleLock)
        {
            if (!_idle.TryGetValue(connection.Profile, out var idle))
                _idle[connection.Profile] = idle = new IdleConnections<BackendConnection>();
            idle.Push(connection);
            _idleCount++;
        }
    }

    private bool TryTakeIdle(ConnectionProfile profile, BackendConnection? preferred, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BackendConnection? connection)
    {
        lock (_idleLock)
        {
            if (_idle.TryGetValue(profile, out var idle) && idle.TryTake(preferred, out connection))
            {
                _idleCount--;
                return true;
            }
        }
        connection = null;
        return false;
    }

    private bool TryEvictIdleOfOtherProfile(ConnectionProfile wanted, out BackendConnection? victim)
    {
        lock (_idleLock)
        {
            foreach (var (profile, idle) in _idle)
            {
                if (profile != wanted && idle.TryTake(null, out victim))
                {
                    _idleCount--;
                    return true;
                }
            }
        }
        victim = null;
        return false;
    }

    /// <summary>Profiles that clients have used: the ones kept warm up to min_idle.</summary>
    private void RememberProfile(ConnectionProfile profile)
    {
        lock (_idleLock)
        {
            if (!_idle.ContainsKey(profile))
                _idle[profile] = new IdleConnections<BackendConnection>();
        }
    }

    private bool IsExpired(BackendConnection connection, long now) =>
        Stopwatch.GetElapsedTime(connection.CreatedTimestamp, now) > _config.MaxAge ||
        Stopwatch.GetElapsedTime(connection.LastUsedTimestamp, now) > _config.IdleTimeout;

    private void ReapExpired()
    {
        Lanes?.CloseIdle(_config.IdleTimeout);
        var now = Stopwatch.GetTimestamp();
        List<BackendConnection>? expired = null;
        List<ConnectionProfile>? profiles = null;
        lock (_idleLock)
        {
            foreach (var (profile, idle) in _idle)
            {
                (profiles ??= []).Add(profile);
                if (idle.Count == 0)
                    continue;
                _idleCount -= idle.RemoveExpired(connection => IsExpired(connection, now), ref expired);
            }
        }
        foreach (var connection in expired ?? [])
            _ = CloseAsync(connection, "idle timeout or max age");
        if (_config.MinIdle > 0 && profiles is not null && !_disposed)
            _ = TopUpAsync(profiles);
    }

    /// <summary>Opens connections until each used profile has min_idle idle ones (within the cap), so a burst of
    /// clients does not wait for connects.</summary>
    private async Task TopUpAsync(List<ConnectionProfile> profiles)
    {
        foreach (var profile in profiles)
        {
            while (!_disposed && !IsDraining && IdleOf(profile) < _config.MinIdle)
            {
                if (Interlocked.Increment(ref _open) > _config.MaxConnectionsPerBackend)
                {
                    Interlocked.Decrement(ref _open);
                    return;
                }
                try
                {
                    using var timeout = new CancellationTokenSource(_connector.Timeouts.Connect + _connector.Timeouts.Handshake);
                    var connection = await _connector.ConnectAsync(_endpoint, profile, timeout.Token).ConfigureAwait(false);
                    PushIdle(connection);
                }
                catch (Exception)
                {
                    // Logged by the connector; the next tick tries again.
                    Interlocked.Decrement(ref _open);
                    return;
                }
            }
        }
    }

    private int IdleOf(ConnectionProfile profile)
    {
        lock (_idleLock)
            return _idle.TryGetValue(profile, out var idle) ? idle.Count : 0;
    }

    private async ValueTask CloseAsync(BackendConnection connection, string reason)
    {
        Interlocked.Decrement(ref _open);
        Log.BackendClosed(_logger, _endpoint.Name, connection.ConnectionId, reason);
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // Closing a dead connection can fail; it is gone either way.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        Lanes?.Close();
        await _reaper.DisposeAsync().ConfigureAwait(false);
        foreach (var connection in TakeAllIdle())
            await CloseAsync(connection, "pool closed").ConfigureAwait(false);
    }

    private List<BackendConnection> TakeAllIdle()
    {
        List<BackendConnection> all = [];
        lock (_idleLock)
        {
            foreach (var idle in _idle.Values)
            {
                foreach (var connection in idle)
                    all.Add(connection);
            }
            _idle.Clear();
            _idleCount = 0;
        }
        return all;
    }
}
