using System.Text;
using MySqlConnector;
using Switchyard.Routing.Conflicts;

namespace Switchyard.Proxy.Conflicts;

/// <summary>The statements of a scan and a repair. Names were checked by the loader (letters, digits, _ and $) and are
/// quoted anyway; values are always parameters.</summary>
internal static class ConflictSql
{
    public static string Quote(string name) => $"`{name.Replace("`", "``", StringComparison.Ordinal)}`";

    public static string Table(ConflictTable table) => $"{Quote(table.Schema)}.{Quote(table.Table)}";

    public static string KeyList(ConflictTable table) => string.Join(", ", table.Key.Select(Quote));

    /// <summary>Per range: the row count and the XOR of CRC32 over every column (NULL flags appended, as CONCAT_WS skips
    /// NULLs), so a range reads as two numbers however many rows it has.</summary>
    public static string Checksum(ConflictTable table, IReadOnlyList<string> columns, string where)
    {
        var values = string.Join(", ", columns.Select(Quote));
        var nulls = string.Join(", ", columns.Select(c => $"ISNULL({Quote(c)})"));
        return $"SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', {values}, CONCAT({nulls})))), 0) FROM {Table(table)} WHERE {where}";
    }

    public static string Rows(ConflictTable table, IReadOnlyList<string> columns, string where) =>
        $"SELECT {string.Join(", ", columns.Select(Quote))} FROM {Table(table)} WHERE {where} ORDER BY {KeyList(table)}";

    /// <summary>The predicate of range <paramref name="range"/> over <paramref name="boundaries"/> (see
    /// <see cref="ChunkPlanner"/>), adding its parameters to <paramref name="command"/>.</summary>
    public static string Range(ConflictTable table, IReadOnlyList<object?[]> boundaries, int range, MySqlCommand command)
    {
        var parts = new List<string>(2);
        if (range > 0)
            parts.Add($"{Tuple(table.Key.Select(Quote))} >= {Tuple(Parameters(command, "lo", boundaries[range - 1]))}");
        if (range < boundaries.Count)
            parts.Add($"{Tuple(table.Key.Select(Quote))} < {Tuple(Parameters(command, "hi", boundaries[range]))}");
        return parts.Count == 0 ? "1=1" : string.Join(" AND ", parts);
    }

    /// <summary>The predicate matching one row by its key.</summary>
    public static string KeyEquals(ConflictTable table, object?[] key, MySqlCommand command)
    {
        var names = Parameters(command, "k", key);
        return string.Join(" AND ", table.Key.Select((column, i) => $"{Quote(column)} = {names[i]}"));
    }

    /// <summary>Writes the resolved row whether the node has it or not.</summary>
    public static string Upsert(ConflictTable table, IReadOnlyList<string> columns, object?[] values, MySqlCommand command)
    {
        var names = Parameters(command, "v", values);
        var updates = columns.Where(c => !table.Key.Contains(c, StringComparer.OrdinalIgnoreCase))
            .Select(c => $"{Quote(c)} = VALUES({Quote(c)})").ToList();
        var sql = new StringBuilder($"INSERT INTO {Table(table)} ({string.Join(", ", columns.Select(Quote))}) VALUES ({string.Join(", ", names)})");
        // A table of key columns only: the row existing is all there is to converge.
        sql.Append(updates.Count > 0 ? $" ON DUPLICATE KEY UPDATE {string.Join(", ", updates)}" : $" ON DUPLICATE KEY UPDATE {Quote(table.Key[0])} = {Quote(table.Key[0])}");
        return sql.ToString();
    }

    private static string Tuple(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 1 ? list[0] : $"({string.Join(", ", list)})";
    }

    private static List<string> Parameters(MySqlCommand command, string prefix, object?[] values)
    {
        var names = new List<string>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            var name = $"@{prefix}{i}";
            command.Parameters.AddWithValue(name, values[i] ?? DBNull.Value);
            names.Add(name);
        }
        return names;
    }
}
