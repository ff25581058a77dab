using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Monitoring;

/// <summary>The true replication lag of a replica, measured by the test itself and not by the proxy: a row on the
/// primary whose timestamp is rewritten every 50 ms, and how old the replica's copy of it is (both servers share the
/// machine's clock).</summary>
internal sealed class LagProbe : IAsyncDisposable
{
    private static readonly TimeSpan Beat = TimeSpan.FromMilliseconds(50);
    private readonly string _table;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writer;

    private LagProbe(string database)
    {
        _table = $"`{database}`.lag_probe";
        _writer = Task.Run(WriteAsync);
    }

    public static async Task<LagProbe> StartAsync(string database)
    {
        await Sql.ExecuteAsync(Cluster.Root(), $"CREATE TABLE `{database}`.lag_probe (id INT PRIMARY KEY, at DATETIME(6) NOT NULL); INSERT INTO `{database}`.lag_probe VALUES (1, NOW(6))");
        await Replication.WaitForReplicasAsync();
        return new LagProbe(database);
    }

    private async Task WriteAsync()
    {
        await using var primary = new MySqlConnection(Cluster.Root());
        await primary.OpenAsync();
        await using var update = new MySqlCommand($"UPDATE {_table} SET at = NOW(6) WHERE id = 1", primary);
        while (!_stop.IsCancellationRequested)
        {
            await update.ExecuteNonQueryAsync();
            try
            {
                await Task.Delay(Beat, _stop.Token); // the probe's own cadence, not a synchronisation
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>How old, in seconds, the replica's copy of the row is now (the lag give or take one beat).</summary>
    public async Task<double> AgeOnAsync(MySqlConnection replica)
    {
        await using var command = new MySqlCommand($"SELECT TIMESTAMPDIFF(MICROSECOND, at, NOW(6)) FROM {_table} WHERE id = 1", replica);
        return Convert.ToInt64(await command.ExecuteScalarAsync()) / 1_000_000.0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _writer;
        _stop.Dispose();
    }
}
