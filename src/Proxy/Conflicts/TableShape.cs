using MySqlConnector;
using Switchyard.Routing.Conflicts;

namespace Switchyard.Proxy.Conflicts;

/// <summary>
/// A table's columns as the live schema has them, checked against its configuration: the table exists on every node
/// with the same columns, the key is a primary or unique key, and the timestamp and version columns have types the
/// strategy can use. Any problem is a <see cref="TableCheckException"/> naming the table.
/// </summary>
internal static class TableShape
{
    private static readonly string[] TimeTypes = ["timestamp", "datetime", "date", "tinyint", "smallint", "mediumint", "int", "bigint", "decimal"];
    private static readonly string[] TextTypes = ["char", "varchar", "tinytext", "text", "mediumtext", "longtext", "json"];

    /// <summary>The columns in order, the same on every node.</summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(ConflictTable table, IReadOnlyList<ConflictNode> nodes, IReadOnlyList<MySqlConnection> connections,
        CancellationToken cancellationToken)
    {
        List<(string Name, string Type)>? first = null;
        for (var n = 0; n < nodes.Count; n++)
        {
            var (columns, uniqueKeys) = await NodeCall.RunAsync(nodes[n], connections[n], c => ColumnsAsync(c, table, cancellationToken)).ConfigureAwait(false);
            if (columns.Count == 0)
                throw new TableCheckException($"table {table.Name} does not exist on node {nodes[n].Name}");
            if (first is null)
            {
                first = columns;
                Check(table, columns, uniqueKeys, nodes[n].Name);
            }
            else if (!first.Select(c => c.Name).SequenceEqual(columns.Select(c => c.Name), StringComparer.OrdinalIgnoreCase))
            {
                throw new TableCheckException($"table {table.Name} has different columns on {nodes[0].Name} ({string.Join(", ", first.Select(c => c.Name))}) and {nodes[n].Name} ({string.Join(", ", columns.Select(c => c.Name))})");
            }
        }
        return first!.Select(c => c.Name).ToList();
    }

    private static void Check(ConflictTable table, List<(string Name, string Type)> columns, List<List<string>> uniqueKeys, string node)
    {
        string TypeOf(string column, string what) =>
            columns.FirstOrDefault(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase)).Type
            ?? throw new TableCheckException($"table {table.Name} has no column '{column}' ({what}) on node {node}");

        foreach (var key in table.Key)
            TypeOf(key, "key");
        if (!uniqueKeys.Any(k => k.SequenceEqual(table.Key, StringComparer.OrdinalIgnoreCase)))
            throw new TableCheckException($"table {table.Name}: key ({string.Join(", ", table.Key)}) is not its primary key or a unique key on node {node}; rows could not be matched or repaired by it");
        if (table.TimestampColumn is { } time && !TimeTypes.Contains(TypeOf(time, "timestamp_column")))
            throw new TableCheckException($"table {table.Name}: timestamp_column '{time}' is {TypeOf(time, "timestamp_column")}; it must be TIMESTAMP, DATETIME, DATE or an integer (epoch)");
        if (table.VersionColumn is { } version && !TextTypes.Contains(TypeOf(version, "version_column")))
            throw new TableCheckException($"table {table.Name}: version_column '{version}' is {TypeOf(version, "version_column")}; a vector clock needs a JSON or text column holding {{\"node\": counter, ...}}");
        foreach (var (column, rule) in table.MergeRules)
        {
            TypeOf(column, "merge");
            if (rule.Kind == MergeRuleKind.Latest && !TimeTypes.Contains(TypeOf(rule.Argument!, $"merge.{column}")))
                throw new TableCheckException($"table {table.Name}: merge.{column} is timed by '{rule.Argument}', which is {TypeOf(rule.Argument!, $"merge.{column}")}; it must be TIMESTAMP, DATETIME, DATE or an integer");
        }
    }

    private static async Task<(List<(string Name, string Type)>, List<List<string>>)> ColumnsAsync(MySqlConnection connection, ConflictTable table, CancellationToken cancellationToken)
    {
        var columns = new List<(string, string)>();
        await using (var command = new MySqlCommand(
            "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = @s AND TABLE_NAME = @t ORDER BY ORDINAL_POSITION", connection))
        {
            command.Parameters.AddWithValue("@s", table.Schema);
            command.Parameters.AddWithValue("@t", table.Table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                columns.Add((reader.GetString(0), reader.GetString(1).ToLowerInvariant()));
        }
        var keys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var command = new MySqlCommand(
            "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = @s AND TABLE_NAME = @t AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX", connection))
        {
            command.Parameters.AddWithValue("@s", table.Schema);
            command.Parameters.AddWithValue("@t", table.Table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var index = reader.GetString(0);
                if (!keys.TryGetValue(index, out var list))
                    keys[index] = list = [];
                list.Add(reader.GetString(1));
            }
        }
        return (columns, keys.Values.ToList());
    }
}
