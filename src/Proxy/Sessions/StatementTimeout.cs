using System.Text;
using Microsoft.Extensions.Logging;
using Switchyard.Protocol.Commands;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Logging;

namespace Switchyard.Proxy.Sessions;

/// <summary>
/// A rule's timeout for one statement: when it runs out, <c>KILL QUERY</c> is sent for the backend connection over
/// another connection of the same pool, and the client gets the server's own "Query execution was interrupted".
/// The statement's connection is not released before a kill in flight has finished, so a late kill can never reach
/// the next statement another session runs on it (and one that arrives after the statement ended finds it idle,
/// which the server ignores).
/// </summary>
internal sealed class StatementTimeout : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly BackendConnection _connection;
    private readonly BackendPool _pool;
    private readonly string _rule;
    private readonly ILogger _logger;
    private readonly uint _sessionId;
    private readonly Timer _timer;
    private bool _finished;
    private Task? _kill;

    private StatementTimeout(BackendConnection connection, BackendPool pool, TimeSpan timeout, string rule, ILogger logger, uint sessionId)
    {
        _connection = connection;
        _pool = pool;
        _rule = rule;
        _logger = logger;
        _sessionId = sessionId;
        _timer = new Timer(static state => ((StatementTimeout)state!).Expire(), this, timeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Starts the clock for a statement just sent on <paramref name="connection"/>; null when there is no timeout.</summary>
    public static StatementTimeout? Start(TimeSpan? timeout, string? rule, BackendConnection connection, BackendPool pool, ILogger logger, uint sessionId) =>
        timeout is { } limit && limit > TimeSpan.Zero ? new StatementTimeout(connection, pool, limit, rule ?? "", logger, sessionId) : null;

    private void Expire()
    {
        lock (_gate)
        {
            if (_finished)
                return;
            _kill = KillAsync();
        }
    }

    private async Task KillAsync()
    {
        Log.StatementTimedOut(_logger, _sessionId, _rule, _connection.Endpoint.Name, _connection.ConnectionId);
        try
        {
            var killer = await _pool.LeaseAsync(_connection.Profile, CancellationToken.None).ConfigureAwait(false);
            var broken = true;
            try
            {
                var error = await killer.RunSimpleCommandAsync(CommandCode.Query, Encoding.ASCII.GetBytes($"KILL QUERY {_connection.ConnectionId}"), CancellationToken.None).ConfigureAwait(false);
                broken = false;
                if (error is not null)
                    Log.StatementKillFailed(_logger, _sessionId, _connection.Endpoint.Name, error.Message);
            }
            finally
            {
                _pool.Return(killer, dirty: broken);
            }
        }
        catch (Exception e) when (e is BackendUnavailableException or PoolExhaustedException or IOException or EndOfStreamException or InvalidDataException or System.Net.Sockets.SocketException)
        {
            Log.StatementKillFailed(_logger, _sessionId, _connection.Endpoint.Name, e.Message);
        }
    }

    /// <summary>The statement's answer is complete: no kill from now on; one already started is waited for.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? kill;
        lock (_gate)
        {
            _finished = true;
            kill = _kill;
        }
        await _timer.DisposeAsync().ConfigureAwait(false);
        if (kill is not null)
            await kill.ConfigureAwait(false);
    }
}
