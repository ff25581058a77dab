using Microsoft.Extensions.Logging;
using System.Runtime.CompilerServices;
using MySqlConnector;
using Switchyard.Proxy.Logging;

namespace Switchyard.Proxy.Monitoring;

/// <summary>Updates a timestamp row on the primary every heartbeat interval; replicas' monitors read how old
/// their copy of it is. Sub-second, and unlike Seconds_Behind_Master it keeps growing while replication stands.</summary>
internal sealed class HeartbeatWriter(MonitorConnection connection, string table, ILogger logger, string backend) : IAsyncDisposable
{
    private bool _prepared;
    private bool _failing;
    private DateTime? _since;

    /// <summary>The primary's timestamp of this writer's first beat since it last (re)started working; null while
    /// it has not written or is failing. A row older than this was left by an earlier run (or a stopped writer):
    /// it says only that the replica is at least this far behind, so lag is capped by it.</summary>
    public DateTime? Since => Volatile.Read(ref _sinceBox)?.Value;
    private StrongBox<DateTime>? _sinceBox;

    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await connection.RunAsync(BeatAsync, cancellationToken).ConfigureAwait(false);
                if (_failing)
                {
                    _failing = false;
                    Log.HeartbeatRecovered(logger, backend, table);
                }
            }
            catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                _prepared = false;
                _since = null;
                Volatile.Write(ref _sinceBox, null);
                if (!_failing)
                {
                    _failing = true;
                    Log.HeartbeatFailed(logger, backend, table, e.Message);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        } while (await WaitAsync(timer, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> BeatAsync(MySqlConnection mySql, CancellationToken cancellationToken)
    {
        if (mySql.State != System.Data.ConnectionState.Open)
        {
            await mySql.OpenAsync(cancellationToken).ConfigureAwait(false);
            _prepared = false;
        }
        if (!_prepared)
        {
            var database = table[..table.IndexOf('.')];
            await ExecuteAsync(mySql, $"CREATE DATABASE IF NOT EXISTS {database}", CancellationToken.None).ConfigureAwait(false);
            await ExecuteAsync(mySql, $"CREATE TABLE IF NOT EXISTS {table} (id INT NOT NULL PRIMARY KEY, ts DATETIME(6) NOT NULL)", CancellationToken.None).ConfigureAwait(false);
            await ExecuteAsync(mySql, $"INSERT INTO {table} (id, ts) VALUES (1, NOW(6)) ON DUPLICATE KEY UPDATE ts = NOW(6)", CancellationToken.None).ConfigureAwait(false);
            _prepared = true;
        }
        else
        {
            await ExecuteAsync(mySql, $"UPDATE {table} SET ts = NOW(6) WHERE id = 1", CancellationToken.None).ConfigureAwait(false);
        }
        if (_since is null)
        {
            await using var command = new MySqlCommand($"SELECT ts FROM {table} WHERE id = 1", mySql);
            if (await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false) is DateTime first)
            {
                _since = first;
                Volatile.Write(ref _sinceBox, new StrongBox<DateTime>(first));
            }
        }
        return true;
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
