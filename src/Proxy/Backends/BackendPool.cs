using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Logging;

namespace Switchyard.Proxy.Backends;

/// <summary>
/// Connections to one backend: idle ones kept per <see cref="ConnectionProfile"/>, a cap on open connections,
/// a bounded wait when the cap is reached, and idle/age expiry. A returned connection is reset
/// (COM_CHANGE_USER, see BackendConnector.ResetAsync) before anyone else gets it, so no session state leaks between clients.
/// </summary>
internal sealed class BackendPool : IAsyncDisposable
{
    private readonly BackendEndpoint _endpoint;
    private readonly BackendConnector _connector;
    private readonly PoolConfig _config;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<ConnectionProfile, ConcurrentStack<BackendConnection>> _idle = new();
    private readonly SemaphoreSlim _slots;
    private readonly Timer _reaper;
    private int _open;
    private int _idleCount;
    private volatile bool _disposed;

    public BackendPool(BackendEndpoint endpoint, BackendConnector connector, PoolConfig config, ILogger logger)
    {
        _endpoint = endpoint;
        _connector = connector;
        _config = config;
        _logger = logger;
        _slots = new SemaphoreSlim(config.MaxConnectionsPerBackend, config.MaxConnectionsPerBackend);
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, Math.Min(config.IdleTimeout.Ticks, config.MaxAge.Ticks) / 2));
        _reaper = new Timer(_ => ReapExpired(), null, period, period);
    }

    public BackendEndpoint Endpoint => _endpoint;
    public int OpenConnections => Volatile.Read(ref _open);
    public int IdleConnections => Volatile.Read(ref _idleCount);

    public async ValueTask<BackendConnection> LeaseAsync(ConnectionProfile profile, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryGetValue(profile, out var stack))
        {
            while (stack.TryPop(out var idle))
            {
                Interlocked.Decrement(ref _idleCount);
                if (!IsExpired(idle, Stopwatch.GetTimestamp()))
                    return idle;
                await CloseAsync(idle, "expired").ConfigureAwait(false);
            }
        }

        if (!_slots.Wait(0))
        {
            // At the cap: an idle connection of another profile is worth less than a waiting client.
            if (TryEvictIdleOfOtherProfile(profile, out var victim))
                await CloseAsync(victim!, "evicted for another profile").ConfigureAwait(false);
            var waitStarted = Stopwatch.GetTimestamp();
            if (!await _slots.WaitAsync(_config.WaitTimeout, cancellationToken).ConfigureAwait(false))
            {
                Log.PoolExhausted(_logger, _endpoint.Name, (long)Stopwatch.GetElapsedTime(waitStarted).TotalMilliseconds, OpenConnections);
                throw new PoolExhaustedException(_endpoint, _config.WaitTimeout, _config.MaxConnectionsPerBackend);
            }
        }

        try
        {
            var connection = await _connector.ConnectAsync(_endpoint, profile, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _open);
            return connection;
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    /// <summary>Takes a connection back. <paramref name="dirty"/>: the client may have left session state on it.</summary>
    public void Return(BackendConnection connection, bool dirty)
    {
        if (_disposed || connection.IsBroken || IsExpired(connection, Stopwatch.GetTimestamp()))
        {
            _ = CloseAsync(connection, connection.IsBroken ? "broken" : "expired or pool closed");
            return;
        }
        if (!dirty)
        {
            PushIdle(connection);
            return;
        }
        _ = ResetAndPushAsync(connection);
    }

    /// <summary>Closes a connection whose state cannot be trusted, freeing its slot.</summary>
    public ValueTask DiscardAsync(BackendConnection connection, string reason) => CloseAsync(connection, reason);

    private async Task ResetAndPushAsync(BackendConnection connection)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _connector.ResetAsync(connection, timeout.Token).ConfigureAwait(false);
            PushIdle(connection);
        }
        catch (Exception e)
        {
            await CloseAsync(connection, $"reset failed: {e.Message}").ConfigureAwait(false);
        }
    }

    private void PushIdle(BackendConnection connection)
    {
        connection.LastUsedTimestamp = Stopwatch.GetTimestamp();
        _idle.GetOrAdd(connection.Profile, _ => new ConcurrentStack<BackendConnection>()).Push(connection);
        Interlocked.Increment(ref _idleCount);
    }

    private bool TryEvictIdleOfOtherProfile(ConnectionProfile wanted, out BackendConnection? victim)
    {
        foreach (var (profile, stack) in _idle)
        {
            if (profile != wanted && stack.TryPop(out victim))
            {
                Interlocked.Decrement(ref _idleCount);
                return true;
            }
        }
        victim = null;
        return false;
    }

    private bool IsExpired(BackendConnection connection, long now) =>
        Stopwatch.GetElapsedTime(connection.CreatedTimestamp, now) > _config.MaxAge ||
        Stopwatch.GetElapsedTime(connection.LastUsedTimestamp, now) > _config.IdleTimeout;

    private void ReapExpired()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var stack in _idle.Values)
        {
            // Pop everything, keep the fresh ones: stacks are small and this runs rarely.
            var keep = new List<BackendConnection>();
            while (stack.TryPop(out var connection))
            {
                Interlocked.Decrement(ref _idleCount);
                if (IsExpired(connection, now))
                    _ = CloseAsync(connection, "idle timeout or max age");
                else
                    keep.Add(connection);
            }
            for (var i = keep.Count - 1; i >= 0; i--)
            {
                stack.Push(keep[i]);
                Interlocked.Increment(ref _idleCount);
            }
        }
    }

    private async ValueTask CloseAsync(BackendConnection connection, string reason)
    {
        Interlocked.Decrement(ref _open);
        _slots.Release();
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
        await _reaper.DisposeAsync().ConfigureAwait(false);
        foreach (var stack in _idle.Values)
        {
            while (stack.TryPop(out var connection))
            {
                Interlocked.Decrement(ref _idleCount);
                await CloseAsync(connection, "pool closed").ConfigureAwait(false);
            }
        }
    }
}
