using System.Diagnostics;
using MySqlConnector;
using Switchyard.Protocol.Handshake;
using Switchyard.Routing.Health;

namespace Switchyard.Proxy.Monitoring;

/// <summary>The queries of one check on an open monitor connection; no timing policy, no state between checks
/// (the caller owns the connection and the timeout).</summary>
/// <remarks>The cancellation token reaches only the connect. Cancelling a running command would make MySqlConnector
/// open a second connection for KILL QUERY, which hangs as well against a frozen server; instead each command
/// ends through its CommandTimeout with a hard cancellation (Cancellation Timeout=-1: the socket is closed), and
/// <see cref="MonitorConnection"/> bounds the whole check regardless.</remarks>
internal static class BackendProbe
{
    public static async Task<(HealthCheckResult Result, PrimaryBinlog? Binlog)> RunAsync(
        MySqlConnection connection, bool isReplica, PrimaryBinlog? primaryBinlog, HeartbeatRead? heartbeat, CancellationToken cancellationToken,
        bool writerReplicates = false)
    {
        if (connection.State != System.Data.ConnectionState.Open)
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        var watch = Stopwatch.StartNew();
        await ScalarAsync(connection, "SELECT 1", CancellationToken.None).ConfigureAwait(false);
        var roundTrip = watch.Elapsed;

        bool? readOnly;
        string? gtid;
        // MySqlConnector reports the greeting's version (without MariaDB's "5.5.5-" prefix): it still names MariaDB.
        var isMariaDb = ServerVersionText.IsMariaDb(connection.ServerVersion);
        await using (var command = new MySqlCommand(PositionQuery.For(isReplica, isMariaDb), connection))
        await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            readOnly = reader.IsDBNull(0) ? null : Convert.ToInt64(reader.GetValue(0)) != 0;
            gtid = reader.IsDBNull(1) ? null : reader.GetString(1);
        }

        if (!isReplica)
        {
            PrimaryBinlog? binlog = null;
            await using (var command = new MySqlCommand("SHOW MASTER STATUS", connection))
            await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                    binlog = new PrimaryBinlog(reader.GetString("File"), Convert.ToInt64(reader.GetValue(reader.GetOrdinal("Position"))));
            }
            var primary = new HealthCheckResult { Reachable = true, IsReplica = false, ReadOnly = readOnly, RoundTrip = roundTrip, GtidPosition = gtid };
            if (writerReplicates)
                primary = await ReadReplicationAsync(connection, primary, null).ConfigureAwait(false);
            return (primary, binlog);
        }

        var result = await ReadReplicationAsync(connection,
            new HealthCheckResult { Reachable = true, IsReplica = true, ReadOnly = readOnly, RoundTrip = roundTrip, GtidPosition = gtid }, primaryBinlog).ConfigureAwait(false);

        if (heartbeat is not null && result.ReplicationConfigured)
        {
            try
            {
                // A row older than the writer's first beat was left by an earlier run: the replica is then known to be
                // only at least that far behind (GREATEST caps the age at the writer's time).
                var since = heartbeat.Since.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture);
                var micros = await ScalarAsync(connection,
                    $"SELECT TIMESTAMPDIFF(MICROSECOND, GREATEST(ts, '{since}'), NOW(6)) FROM {heartbeat.Table} WHERE id = 1", CancellationToken.None).ConfigureAwait(false);
                if (micros is not null)
                    result = result with { HeartbeatLagSeconds = Math.Max(0, Convert.ToInt64(micros) / 1_000_000.0) };
            }
            catch (MySqlException e) when (e.ErrorCode is MySqlErrorCode.NoSuchTable or MySqlErrorCode.UnknownDatabase)
            {
                // Not replicated here yet: Seconds_Behind_Master stands in.
            }
        }
        return (result, null);
    }

    /// <summary>SHOW SLAVE STATUS into <paramref name="result"/>: a replica's replication, or a writer's from the other
    /// writers (multi-primary, where it is shown but decides nothing).</summary>
    private static async Task<HealthCheckResult> ReadReplicationAsync(MySqlConnection connection, HealthCheckResult result, PrimaryBinlog? primaryBinlog)
    {
        await using (var command = new MySqlCommand("SHOW SLAVE STATUS", connection))
        await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var behind = reader.GetOrdinal("Seconds_Behind_Master");
                var relayMasterFile = Text(reader, "Relay_Master_Log_File");
                var executed = Number(reader, "Exec_Master_Log_Pos");
                long? lagBytes = null;
                // Computable only while the replica executes the file the primary writes to; across a binlog
                // rotation the sizes of the files in between are unknown.
                if (primaryBinlog is not null && executed is not null && relayMasterFile == primaryBinlog.File)
                    lagBytes = Math.Max(0, primaryBinlog.Position - executed.Value);
                result = result with
                {
                    ReplicationConfigured = true,
                    IoThreadRunning = Text(reader, "Slave_IO_Running") == "Yes",
                    SqlThreadRunning = Text(reader, "Slave_SQL_Running") == "Yes",
                    SecondsBehindMaster = reader.IsDBNull(behind) ? null : Convert.ToDouble(reader.GetValue(behind)),
                    LastIoError = Text(reader, "Last_IO_Error"),
                    LastSqlError = Text(reader, "Last_SQL_Error"),
                    LagBytes = lagBytes,
                };
            }
        }

        return result;
    }

    private static async Task<object?> ScalarAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken = default)
    {
        await using var command = new MySqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    private static string? Text(MySqlDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : Convert.ToString(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static long? Number(MySqlDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : Convert.ToInt64(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
    }
}
