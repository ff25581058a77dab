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

        // MySqlConnector reports the greeting's version (without MariaDB's "5.5.5-" prefix): it still names MariaDB.
        var isMariaDb = ServerVersionText.IsMariaDb(connection.ServerVersion);
        var (readOnly, gtid, wsrepOn, nodeName) = await PositionAsync(connection, isReplica, isMariaDb).ConfigureAwait(false);
        var wsrep = wsrepOn ? await WsrepAsync(connection, nodeName).ConfigureAwait(false) : null;

        if (!isReplica)
        {
            PrimaryBinlog? binlog = null;
            await using (var command = new MySqlCommand("SHOW MASTER STATUS", connection))
            await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                    binlog = new PrimaryBinlog(reader.GetString("File"), Convert.ToInt64(reader.GetValue(reader.GetOrdinal("Position"))));
            }
            var primary = new HealthCheckResult { Reachable = true, IsReplica = false, ReadOnly = readOnly, RoundTrip = roundTrip, GtidPosition = gtid, Wsrep = wsrep };
            if (writerReplicates && wsrep is null)
                primary = await ReadReplicationAsync(connection, primary, null).ConfigureAwait(false);
            return (primary, binlog);
        }

        var result = new HealthCheckResult { Reachable = true, IsReplica = true, ReadOnly = readOnly, RoundTrip = roundTrip, GtidPosition = gtid, Wsrep = wsrep };
        // A Galera node replicates through Galera: no SHOW SLAVE STATUS, no lag in that sense, no heartbeat to read.
        if (wsrep is not null)
            return (result, null);
        result = await ReadReplicationAsync(connection, result, primaryBinlog).ConfigureAwait(false);

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

    /// <summary>@@read_only, the GTID position and, on MariaDB, whether wsrep is on and the node's name: one round trip.
    /// A MariaDB built without wsrep has no such variables (error 1193): the plain query is asked again then, so such a
    /// server costs one failed statement per check and is never mistaken for a Galera node.</summary>
    private static async Task<(bool? ReadOnly, string? Gtid, bool WsrepOn, string? NodeName)> PositionAsync(MySqlConnection connection, bool isReplica, bool isMariaDb)
    {
        if (isMariaDb)
        {
            try
            {
                return await ReadPositionAsync(connection, PositionQuery.For(isReplica, isMariaDb, withWsrep: true), withWsrep: true).ConfigureAwait(false);
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.UnknownSystemVariable)
            {
                // Built without wsrep: not a Galera node.
            }
        }
        return await ReadPositionAsync(connection, PositionQuery.For(isReplica, isMariaDb), withWsrep: false).ConfigureAwait(false);
    }

    private static async Task<(bool? ReadOnly, string? Gtid, bool WsrepOn, string? NodeName)> ReadPositionAsync(MySqlConnection connection, string sql, bool withWsrep)
    {
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
        await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
        var readOnly = reader.IsDBNull(0) ? (bool?)null : Convert.ToInt64(reader.GetValue(0)) != 0;
        var gtid = reader.IsDBNull(1) ? null : reader.GetString(1);
        if (!withWsrep)
            return (readOnly, gtid, false, null);
        var wsrepOn = !reader.IsDBNull(2) && Convert.ToInt64(reader.GetValue(2)) != 0;
        var nodeName = reader.IsDBNull(3) ? null : reader.GetString(3);
        return (readOnly, gtid, wsrepOn, nodeName);
    }

    private static async Task<WsrepStatus> WsrepAsync(MySqlConnection connection, string? nodeName)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        await using (var command = new MySqlCommand(PositionQuery.WsrepStatus, connection))
        await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                values[reader.GetString(0).ToLowerInvariant()] = reader.IsDBNull(1) ? "" : Convert.ToString(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) ?? "";
        }
        return WsrepStatus.FromVariables(values, nodeName);
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
