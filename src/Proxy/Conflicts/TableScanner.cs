using Microsoft.Extensions.Logging;
using MySqlConnector;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Logging;
using Switchyard.Routing.Conflicts;

namespace Switchyard.Proxy.Conflicts;

/// <summary>
/// Compares one table across the nodes: checksums of key ranges first (ranges cut from the first node's keys), then,
/// where a range differs, its rows one by one; a diverged row is read a second time after replication settled again, so
/// a change still in flight is not reported. Each diverged row is resolved by the table's strategy.
/// </summary>
internal sealed class TableScanner(ConflictsConfig config, IReadOnlyList<ConflictNode> nodes, IReadOnlyList<MySqlConnection> connections,
    ILogger logger, Func<string, int, Task>? rangeChecked)
{
    private readonly string[] _nodeNames = nodes.Select(n => n.Name).ToArray();

    public async Task ScanAsync(TableScanReport report, CancellationToken cancellationToken)
    {
        var table = report.Table;
        var columns = report.Columns = await TableShape.ReadAsync(table, nodes, connections, cancellationToken).ConfigureAwait(false);
        report.Unsettled ??= await Replication.SettleAsync(nodes, connections, config.ReplicationWait, cancellationToken).ConfigureAwait(false);

        var boundaries = await BoundariesAsync(table, cancellationToken).ConfigureAwait(false);
        var ranges = boundaries.Count + 1;
        report.Ranges = ranges;
        var sums = nodes.Select(_ => new ChunkChecksum[ranges]).ToArray();
        for (var r = 0; r < ranges; r++)
        {
            for (var n = 0; n < nodes.Count; n++)
                sums[n][r] = await ChecksumAsync(n, table, columns, boundaries, r, cancellationToken).ConfigureAwait(false);
            report.RowsCompared += sums.Max(s => s[r].Rows);
            if (rangeChecked is not null)
                await rangeChecked(table.Name, r).ConfigureAwait(false);
        }
        var differing = ChunkPlanner.Differing(sums);
        report.RangesDiffering = differing.Count;
        if (differing.Count == 0)
            return;

        // A range can differ only because a change is still replicating: settle, compare its rows, and keep the rows
        // that still differ the same way after settling once more (read again by key, not by range).
        report.Unsettled ??= await Replication.SettleAsync(nodes, connections, config.ReplicationWait, cancellationToken).ConfigureAwait(false);
        var firstPass = await DivergedAsync(table, columns, boundaries, differing, cancellationToken).ConfigureAwait(false);
        if (firstPass.Count == 0)
            return;
        report.Unsettled ??= await Replication.SettleAsync(nodes, connections, config.ReplicationWait, cancellationToken).ConfigureAwait(false);
        foreach (var (key, before) in firstPass)
        {
            var row = await RecheckAsync(table, columns, before, cancellationToken).ConfigureAwait(false);
            if (row is null || !before.Versions.Zip(row.Versions).All(p => p.First.SameAs(p.Second)))
                continue;
            report.Diverged.Add(row);
            Log.ConflictDetected(logger, table.Name, key, Describe(columns, row), row.Resolution.Reason);
        }
    }

    private static string Describe(IReadOnlyList<string> columns, DivergedRow row) =>
        string.Join("; ", row.Versions.Select((v, n) => $"#{n}: " + (v.Values is null ? "absent" : string.Join(", ", columns.Zip(v.Values, (c, x) => $"{c}={x ?? "NULL"}")))));

    /// <summary>Every chunk_size-th key of the first node, ordered by the key.</summary>
    private async Task<List<object?[]>> BoundariesAsync(ConflictTable table, CancellationToken cancellationToken) =>
        await NodeCall.RunAsync(nodes[0], connections[0], async connection =>
        {
            await using var command = new MySqlCommand($"SELECT {ConflictSql.KeyList(table)} FROM {ConflictSql.Table(table)} ORDER BY {ConflictSql.KeyList(table)}", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return ChunkPlanner.Boundaries(Keys(reader, table.Key.Count, cancellationToken), config.ChunkSize);
        }).ConfigureAwait(false);

    private static IEnumerable<object?[]> Keys(MySqlDataReader reader, int width, CancellationToken cancellationToken)
    {
        // Synchronous reads over the buffered stream: the key scan is one streaming result.
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = new object?[width];
            for (var i = 0; i < width; i++)
                key[i] = reader.GetValue(i);
            yield return key;
        }
    }

    private Task<ChunkChecksum> ChecksumAsync(int node, ConflictTable table, IReadOnlyList<string> columns, List<object?[]> boundaries, int range,
        CancellationToken cancellationToken) =>
        NodeCall.RunAsync(nodes[node], connections[node], async connection =>
        {
            await using var command = new MySqlCommand { Connection = connection };
            command.CommandText = ConflictSql.Checksum(table, columns, ConflictSql.Range(table, boundaries, range, command));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new ChunkChecksum(reader.GetInt64(0), Convert.ToInt64(reader.GetValue(1)));
        });

    private async Task<Dictionary<string, DivergedRow>> DivergedAsync(ConflictTable table, IReadOnlyList<string> columns, List<object?[]> boundaries,
        List<int> ranges, CancellationToken cancellationToken)
    {
        var diverged = new Dictionary<string, DivergedRow>(StringComparer.Ordinal);
        foreach (var range in ranges)
        {
            var text = new IReadOnlyDictionary<string, RowVersion>[nodes.Count];
            var typed = new Dictionary<string, object?[]>[nodes.Count];
            for (var n = 0; n < nodes.Count; n++)
                (text[n], typed[n]) = await RowsAsync(n, table, columns, boundaries, range, cancellationToken).ConfigureAwait(false);
            foreach (var (key, versions) in RowDiff.Diverged(text))
                diverged[key] = Resolve(table, columns, key, versions, typed.Select(t => t.GetValueOrDefault(key)).ToArray());
        }
        return diverged;
    }

    private DivergedRow Resolve(ConflictTable table, IReadOnlyList<string> columns, string key, RowVersion[] versions, object?[]?[] typed)
    {
        var resolution = ConflictResolver.Resolve(table, columns, versions, _nodeNames);
        object?[]? resolved = null;
        if (resolution.Kind != ResolutionKind.Reported)
        {
            resolved = new object?[columns.Count];
            for (var c = 0; c < columns.Count; c++)
            {
                resolved[c] = resolution.VersionOverride is { } vector && string.Equals(columns[c], table.VersionColumn, StringComparison.OrdinalIgnoreCase)
                    ? vector
                    : typed[resolution.Sources[c]]![c];
            }
        }
        var present = typed.First(t => t is not null)!;
        var keyValues = table.Key.Select(k => present[IndexOf(columns, k)]).ToArray();
        return new DivergedRow
        {
            Key = key,
            KeyValues = keyValues,
            Versions = versions,
            Typed = typed,
            Resolution = resolution,
            Resolved = resolved,
            ResolvedText = resolved is null ? null : new RowVersion(resolved.Select(ValueText.Render).ToArray()),
            Repair = resolution.Kind == ResolutionKind.Reported ? RepairState.ReportOnly : RepairState.NotRequested,
        };
    }

    /// <summary>Reads <paramref name="before"/>'s row again on every node; null when it no longer differs.</summary>
    private async Task<DivergedRow?> RecheckAsync(ConflictTable table, IReadOnlyList<string> columns, DivergedRow before, CancellationToken cancellationToken)
    {
        var versions = new RowVersion[nodes.Count];
        var typed = new object?[]?[nodes.Count];
        for (var n = 0; n < nodes.Count; n++)
        {
            (versions[n], typed[n]) = await NodeCall.RunAsync(nodes[n], connections[n], async connection =>
            {
                await using var command = new MySqlCommand { Connection = connection };
                command.CommandText = $"SELECT {string.Join(", ", columns.Select(ConflictSql.Quote))} FROM {ConflictSql.Table(table)} WHERE {ConflictSql.KeyEquals(table, before.KeyValues, command)}";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    return (RowVersion.Absent, (object?[]?)null);
                var values = new object?[columns.Count];
                for (var c = 0; c < columns.Count; c++)
                    values[c] = reader.IsDBNull(c) ? null : reader.GetValue(c);
                return (new RowVersion(values.Select(ValueText.Render).ToArray()), values);
            }).ConfigureAwait(false);
        }
        return versions.All(v => v.SameAs(versions[0])) ? null : Resolve(table, columns, before.Key, versions, typed);
    }

    private Task<(IReadOnlyDictionary<string, RowVersion>, Dictionary<string, object?[]>)> RowsAsync(int node, ConflictTable table, IReadOnlyList<string> columns,
        List<object?[]> boundaries, int range, CancellationToken cancellationToken) =>
        NodeCall.RunAsync(nodes[node], connections[node], async connection =>
        {
            await using var command = new MySqlCommand { Connection = connection };
            command.CommandText = ConflictSql.Rows(table, columns, ConflictSql.Range(table, boundaries, range, command));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var keyIndexes = table.Key.Select(k => IndexOf(columns, k)).ToArray();
            var text = new Dictionary<string, RowVersion>(StringComparer.Ordinal);
            var typed = new Dictionary<string, object?[]>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var values = new object?[columns.Count];
                for (var c = 0; c < columns.Count; c++)
                    values[c] = reader.IsDBNull(c) ? null : reader.GetValue(c);
                var key = KeyText(keyIndexes.Select(i => values[i]));
                text[key] = new RowVersion(values.Select(ValueText.Render).ToArray());
                typed[key] = values;
            }
            return ((IReadOnlyDictionary<string, RowVersion>)text, typed);
        });

    /// <summary>The key as the report shows it: one value, or the values of a composite key joined by ", ".</summary>
    public static string KeyText(IEnumerable<object?> values) => string.Join(", ", values.Select(v => ValueText.Render(v) ?? "NULL"));

    public static int IndexOf(IReadOnlyList<string> columns, string column)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], column, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return -1;
    }
}
