using System.Text.RegularExpressions;
using Switchyard.Routing.Conflicts;

namespace Switchyard.Proxy.Configuration;

/// <summary>The <c>conflicts:</c> section. Read after the backends, since nodes and prefer:node name them.</summary>
public static partial class ConfigLoader
{
    private static ConflictsConfig ReadConflicts(YamlSection section, IReadOnlyList<BackendConfig> backends)
    {
        section.AllowOnly("enabled", "scan_interval", "nodes", "user", "password", "password_env", "chunk_size", "replication_wait",
            "query_timeout", "tables");
        var defaults = new ConflictsConfig();
        BackendCredentials? credentials = null;
        var password = Secret(section, allowHash: false);
        if (section.String("user") is { } user)
            credentials = new BackendCredentials(user, password ?? "");
        else if (section.Get("password") is not null || section.Get("password_env") is not null)
            section.Error(section.Node, "'conflicts.user' is required when a password is given");

        var interval = section.String("scan_interval") is "off" or "false" or "no"
            ? TimeSpan.Zero
            : section.Duration("scan_interval", defaults.ScanInterval, TimeSpan.Zero);

        var nodes = new List<string>();
        foreach (var (name, node) in section.StringList("nodes") ?? [])
        {
            if (!backends.Any(b => b.Name == name))
                section.Error(node, $"'conflicts.nodes' names '{name}', which is not a backend{YamlSection.DidYouMean(name, backends.Select(b => b.Name))}");
            else if (nodes.Contains(name))
                section.Error(node, $"'conflicts.nodes' names '{name}' twice");
            else
                nodes.Add(name);
        }

        var config = new ConflictsConfig
        {
            Enabled = section.Bool("enabled", true),
            ScanInterval = interval,
            Nodes = nodes,
            Credentials = credentials,
            ChunkSize = section.Int("chunk_size", defaults.ChunkSize, 1, 1_000_000),
            ReplicationWait = section.Duration("replication_wait", defaults.ReplicationWait, TimeSpan.Zero),
            QueryTimeout = section.Duration("query_timeout", defaults.QueryTimeout, TimeSpan.FromSeconds(1)),
        };
        var effectiveNodes = config.NodesOf(backends);
        if (effectiveNodes.Count < 2 && backends.Count > 0)
            section.Error(section.Node, $"conflict detection compares at least two nodes; found {effectiveNodes.Count} " +
                (nodes.Count > 0 ? "in 'conflicts.nodes'" : "backends with role primary (name them in 'conflicts.nodes')"));

        var tables = new List<ConflictTable>();
        foreach (var table in section.Sections("tables"))
        {
            if (ReadConflictTable(table, effectiveNodes) is not { } read)
                continue;
            if (tables.Any(t => string.Equals(t.Name, read.Name, StringComparison.OrdinalIgnoreCase)))
                table.Error(table.Get("name")!, $"table '{read.Name}' is listed twice in 'conflicts.tables'");
            else
                tables.Add(read);
        }
        if (tables.Count == 0 && section.Get("tables") is null)
            section.Error(section.Node, "'conflicts.tables' is required: the tables to compare, each with its key and strategy");
        return config with { Tables = tables };
    }

    private static ConflictTable? ReadConflictTable(YamlSection table, IReadOnlyList<string> nodes)
    {
        table.AllowOnly("name", "key", "strategy", "timestamp_column", "version_column", "fallback", "merge", "auto_repair");
        var name = table.RequiredString("name");
        var dot = name.IndexOf('.');
        var valid = true;
        if (name.Length > 0 && (dot <= 0 || !Identifier(name[..dot]) || !Identifier(name[(dot + 1)..])))
        {
            table.Error(table.Get("name")!, $"'{table.Qualify("name")}' must be database.table (letters, digits, _ and $), not '{name}'");
            valid = false;
        }

        var key = new List<string>();
        if (table.StringList("key") is not { } keyColumns)
        {
            table.Error(table.Node, $"table '{name}' has no key: '{table.Qualify("key")}' must name the primary or unique key column(s) rows are matched by");
            valid = false;
        }
        else
        {
            foreach (var (column, node) in keyColumns)
                key.Add(Column(table, node, column, "key"));
        }

        var strategyText = table.String("strategy") ?? ConflictStrategyNames.ReportOnly;
        var strategy = ConflictStrategyNames.Parse(strategyText);
        if (strategy is null)
        {
            table.Error(table.Get("strategy")!, $"'{table.Qualify("strategy")}' must be one of {string.Join(", ", ConflictStrategyNames.All)}, not '{strategyText}'{YamlSection.DidYouMean(strategyText, ConflictStrategyNames.All)}");
            valid = false;
        }

        var timestamp = OptionalColumn(table, "timestamp_column");
        var version = OptionalColumn(table, "version_column");
        var fallbackText = table.String("fallback");
        var fallback = fallbackText switch
        {
            null or ConflictStrategyNames.LastWriteWins => ConflictStrategy.LastWriteWins,
            ConflictStrategyNames.Merge => ConflictStrategy.Merge,
            _ => Invalid(table, "fallback", fallbackText, "last-write-wins or merge", ConflictStrategy.LastWriteWins),
        };
        if (fallbackText is not null && strategy != ConflictStrategy.VectorClock)
            table.Error(table.Get("fallback")!, $"'{table.Qualify("fallback")}' applies only to strategy vector-clock");

        var rules = new Dictionary<string, MergeRule>(StringComparer.OrdinalIgnoreCase);
        if (table.Section("merge") is { } merge)
        {
            foreach (var (keyNode, valueNode) in merge.Node.Children)
            {
                var column = Column(table, keyNode, (keyNode as YamlDotNet.RepresentationModel.YamlScalarNode)?.Value ?? "", "merge");
                var text = (valueNode as YamlDotNet.RepresentationModel.YamlScalarNode)?.Value ?? "";
                if (MergeRule.Parse(text, out var problem) is not { } rule)
                {
                    table.Error(valueNode, $"'{table.Qualify("merge")}.{column}' {problem}");
                    continue;
                }
                if (rule.Kind == MergeRuleKind.PreferNode && !nodes.Contains(rule.Argument!))
                    table.Error(valueNode, $"'{table.Qualify("merge")}.{column}' prefers '{rule.Argument}', which is not one of the nodes ({string.Join(", ", nodes)})");
                else if (rule.Kind == MergeRuleKind.Latest && !Identifier(rule.Argument!))
                    table.Error(valueNode, $"'{table.Qualify("merge")}.{column}' names an invalid timestamp column '{rule.Argument}'");
                if (key.Contains(column, StringComparer.OrdinalIgnoreCase))
                    table.Error(keyNode, $"'{table.Qualify("merge")}.{column}': a key column is never merged");
                rules[column] = rule;
            }
        }

        switch (strategy)
        {
            case ConflictStrategy.LastWriteWins when timestamp is null:
                table.Error(table.Node, $"table '{name}': last-write-wins needs '{table.Qualify("timestamp_column")}' (the row's modification time)");
                valid = false;
                break;
            case ConflictStrategy.VectorClock when version is null:
                table.Error(table.Node, $"table '{name}': vector-clock needs '{table.Qualify("version_column")}' (a JSON object node → counter)");
                valid = false;
                break;
            case ConflictStrategy.VectorClock when fallback == ConflictStrategy.LastWriteWins && timestamp is null:
                table.Error(table.Node, $"table '{name}': vector-clock with fallback last-write-wins needs '{table.Qualify("timestamp_column")}' to settle concurrent versions");
                valid = false;
                break;
            case ConflictStrategy.VectorClock when fallback == ConflictStrategy.Merge && rules.Count == 0 && timestamp is null:
            case ConflictStrategy.Merge when rules.Count == 0 && timestamp is null:
                table.Error(table.Node, $"table '{name}': merge needs rules in '{table.Qualify("merge")}' (column: latest:<timestamp column> | max | min | prefer:<node>) or a timestamp_column");
                valid = false;
                break;
        }
        if (rules.Count > 0 && strategy is not (ConflictStrategy.Merge or ConflictStrategy.VectorClock))
            table.Error(table.Get("merge")!, $"'{table.Qualify("merge")}' applies only to strategy merge (or vector-clock with fallback merge)");

        var autoRepair = table.Bool("auto_repair", false);
        if (autoRepair && strategy == ConflictStrategy.ReportOnly)
            table.Error(table.Get("auto_repair")!, $"'{table.Qualify("auto_repair")}': report-only has nothing to apply");

        if (!valid || strategy is null)
            return null;
        return new ConflictTable
        {
            Schema = name[..dot],
            Table = name[(dot + 1)..],
            Key = key,
            Strategy = strategy.Value,
            TimestampColumn = timestamp,
            VersionColumn = version,
            Fallback = fallback,
            MergeRules = rules,
            AutoRepair = autoRepair,
        };
    }

    private static string? OptionalColumn(YamlSection table, string key) =>
        table.String(key) is { } column ? Column(table, table.Get(key)!, column, key) : null;

    private static string Column(YamlSection table, YamlDotNet.RepresentationModel.YamlNode at, string column, string key)
    {
        if (!Identifier(column))
            table.Error(at, $"'{table.Qualify(key)}' has an invalid column name '{column}' (letters, digits, _ and $)");
        return column;
    }

    private static bool Identifier(string name) => IdentifierPattern().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z0-9_$]{1,64}$")]
    private static partial Regex IdentifierPattern();
}
