using Microsoft.Extensions.Logging;
using MySqlConnector;
using Switchyard.Proxy.Logging;
using Switchyard.Routing.Conflicts;

namespace Switchyard.Proxy.Conflicts;

/// <summary>
/// Applies resolved rows so every node converges without the repair itself replicating: on each node whose version
/// differs, in a transaction with SET SESSION sql_log_bin=0, the row is locked (SELECT … FOR UPDATE), checked to be still
/// the version the scan read (else it changed meanwhile and is left for the next scan) and written (INSERT … ON
/// DUPLICATE KEY UPDATE). Nothing reaches a binlog, so no node's GTID position moves and nothing flows back. Then every
/// node's row is read again and must equal the resolved row.
/// </summary>
internal sealed class RowRepairer(IReadOnlyList<ConflictNode> nodes, IReadOnlyList<MySqlConnection> connections, string user, ILogger logger)
{
    private readonly bool[] _binlogOff = new bool[nodes.Count];

    public async Task RepairAsync(TableScanReport report, CancellationToken cancellationToken)
    {
        var table = report.Table;
        foreach (var row in report.Diverged)
        {
            if (row.Resolved is null)
                continue;
            if (report.Unsettled is not null)
            {
                row.Repair = RepairState.Skipped;
                row.RepairNote = "replication had not settled: " + report.Unsettled;
                continue;
            }
            try
            {
                for (var n = 0; n < nodes.Count; n++)
                {
                    if (row.Versions[n].SameAs(row.ResolvedText!))
                        continue;
                    var written = await NodeCall.RunAsync(nodes[n], connections[n], c => WriteAsync(n, c, table, report.Columns, row, cancellationToken)).ConfigureAwait(false);
                    if (!written)
                    {
                        row.Repair = RepairState.Skipped;
                        row.RepairNote = $"the row changed on {nodes[n].Name} after the scan read it; left for the next scan";
                        Log.RepairSkipped(logger, table.Name, row.Key, nodes[n].Name, row.RepairNote);
                        break;
                    }
                    row.RepairedOn.Add(nodes[n].Name);
                }
            }
            catch (Exception e) when (e is MySqlException or RepairRefusedException)
            {
                row.Repair = RepairState.Failed;
                row.RepairNote = e.Message;
                Log.RepairFailed(logger, table.Name, row.Key, e.Message);
                continue;
            }
            if (row.Repair == RepairState.Skipped)
                continue;
            row.Repair = await VerifyAsync(table, report.Columns, row, cancellationToken).ConfigureAwait(false) ? RepairState.Verified : RepairState.Unverified;
            Log.RowRepaired(logger, table.Name, row.Key, string.Join(", ", row.RepairedOn), row.Repair.ToString(), row.Resolution.Reason);
        }
    }

    private async Task<bool> WriteAsync(int node, MySqlConnection connection, ConflictTable table, IReadOnlyList<string> columns, DivergedRow row,
        CancellationToken cancellationToken)
    {
        if (!_binlogOff[node])
        {
            try
            {
                await using var off = new MySqlCommand("SET SESSION sql_log_bin = 0", connection);
                await off.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (MySqlException e) when (connection.State == System.Data.ConnectionState.Open)
            {
                throw new RepairRefusedException(
                    $"repair needs the right to SET sql_log_bin=0 (SUPER or BINLOG ADMIN) so that the repair does not replicate; user '{user}' on {nodes[node].Name} was refused: {e.Message}", e);
            }
            _binlogOff[node] = true;
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var select = new MySqlCommand { Connection = connection, Transaction = transaction })
        {
            select.CommandText = $"SELECT {string.Join(", ", columns.Select(ConflictSql.Quote))} FROM {ConflictSql.Table(table)} WHERE {ConflictSql.KeyEquals(table, row.KeyValues, select)} FOR UPDATE";
            var current = await ReadOneAsync(select, columns.Count, cancellationToken).ConfigureAwait(false);
            if (!current.SameAs(row.Versions[node]))
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return false;
            }
        }
        await using (var upsert = new MySqlCommand { Connection = connection, Transaction = transaction })
        {
            upsert.CommandText = ConflictSql.Upsert(table, columns, row.Resolved!, upsert);
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> VerifyAsync(ConflictTable table, IReadOnlyList<string> columns, DivergedRow row, CancellationToken cancellationToken)
    {
        for (var n = 0; n < nodes.Count; n++)
        {
            var current = await NodeCall.RunAsync(nodes[n], connections[n], async connection =>
            {
                await using var select = new MySqlCommand { Connection = connection };
                select.CommandText = $"SELECT {string.Join(", ", columns.Select(ConflictSql.Quote))} FROM {ConflictSql.Table(table)} WHERE {ConflictSql.KeyEquals(table, row.KeyValues, select)}";
                return await ReadOneAsync(select, columns.Count, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
            if (!current.SameAs(row.ResolvedText!))
                return false;
        }
        return true;
    }

    private static async Task<RowVersion> ReadOneAsync(MySqlCommand command, int width, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            return RowVersion.Absent;
        var values = new string?[width];
        for (var c = 0; c < width; c++)
            values[c] = reader.IsDBNull(c) ? null : ValueText.Render(reader.GetValue(c));
        return new RowVersion(values);
    }
}
