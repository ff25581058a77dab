namespace Switchyard.Routing.Conflicts;

/// <summary>
/// Decides the resolved version of a diverged row from every node's version. Pure: the versions come in as text, the
/// answer goes out as "which node's value for each column". A node without the row does not take part: deletes leave
/// no trace to compare against, so the row that exists is copied to the nodes that lack it (applications that need
/// deletes to win use a soft-delete column, which then follows the strategy like any other).
/// </summary>
internal static class ConflictResolver
{
    /// <param name="table">The table's rules.</param>
    /// <param name="columns">The table's columns, in the order of each version's values.</param>
    /// <param name="versions">One version per node, in node order (the order ties are broken by).</param>
    /// <param name="nodes">The node names, in the same order (for prefer:node).</param>
    public static Resolution Resolve(ConflictTable table, IReadOnlyList<string> columns, IReadOnlyList<RowVersion> versions, IReadOnlyList<string> nodes)
    {
        if (!versions.Any(v => v.Exists))
            throw new ArgumentException("at least one node must have the row", nameof(versions));
        switch (table.Strategy)
        {
            case ConflictStrategy.LastWriteWins:
                return LastWriteWins(table, columns, versions, nodes, concurrent: false, versionOverride: null);
            case ConflictStrategy.VectorClock:
                return VectorClockResolution(table, columns, versions, nodes);
            case ConflictStrategy.Merge:
                return Merge(table, columns, versions, nodes, concurrent: false, versionOverride: null);
            default:
                return new Resolution { Kind = ResolutionKind.Reported, Reason = "report-only" };
        }
    }

    private static Resolution LastWriteWins(ConflictTable table, IReadOnlyList<string> columns, IReadOnlyList<RowVersion> versions,
        IReadOnlyList<string> nodes, bool concurrent, string? versionOverride)
    {
        var column = IndexOf(columns, table.TimestampColumn!);
        var winner = Latest(versions, column);
        var tied = versions.Count(v => v.Exists && ValueOrder.Compare(v.Values![column], versions[winner].Values![column]) == 0) > 1;
        var reason = $"{nodes[winner]} has the latest {table.TimestampColumn} ({versions[winner].Values![column] ?? "NULL"})"
            + (tied ? ", tied: the earlier node in order wins" : "");
        return new Resolution
        {
            Kind = ResolutionKind.Winner,
            WinningNode = winner,
            Sources = Enumerable.Repeat(winner, columns.Count).ToArray(),
            Concurrent = concurrent,
            VersionOverride = versionOverride,
            Reason = concurrent ? $"concurrent versions, fallback last-write-wins: {reason}" : reason,
        };
    }

    private static Resolution VectorClockResolution(ConflictTable table, IReadOnlyList<string> columns, IReadOnlyList<RowVersion> versions, IReadOnlyList<string> nodes)
    {
        var column = IndexOf(columns, table.VersionColumn!);
        var vectors = versions.Select(v => v.Exists ? VectorClock.Parse(v.Values![column]) : null).ToArray();
        for (var i = 0; i < versions.Count; i++)
        {
            if (vectors[i] is not { } candidate)
                continue;
            var dominatesAll = true;
            for (var j = 0; j < versions.Count && dominatesAll; j++)
            {
                if (j == i || vectors[j] is not { } other)
                    continue;
                var order = VectorClock.Compare(candidate, other);
                // Equal vectors with different rows: both wrote without counting it, so neither has seen the other.
                dominatesAll = order == VectorOrder.Dominates || (order == VectorOrder.Equal && versions[i].SameAs(versions[j]));
            }
            if (dominatesAll)
            {
                return new Resolution
                {
                    Kind = ResolutionKind.Winner,
                    WinningNode = i,
                    Sources = Enumerable.Repeat(i, columns.Count).ToArray(),
                    Reason = $"{nodes[i]}'s version {versions[i].Values![column]} dominates",
                };
            }
        }
        var merged = VectorClock.Merge(vectors.Where(v => v is not null)!);
        return table.Fallback == ConflictStrategy.Merge
            ? Merge(table, columns, versions, nodes, concurrent: true, versionOverride: merged)
            : LastWriteWins(table, columns, versions, nodes, concurrent: true, versionOverride: merged);
    }

    private static Resolution Merge(ConflictTable table, IReadOnlyList<string> columns, IReadOnlyList<RowVersion> versions,
        IReadOnlyList<string> nodes, bool concurrent, string? versionOverride)
    {
        // Columns without a rule follow the row's last write, or the first node that has the row.
        var baseNode = table.TimestampColumn is { } rowTime ? Latest(versions, IndexOf(columns, rowTime)) : First(versions);
        var sources = new int[columns.Count];
        var timedBy = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (field, rule) in table.MergeRules)
        {
            if (rule.Kind == MergeRuleKind.Latest)
                timedBy.TryAdd(rule.Argument!, field);
        }
        for (var c = 0; c < columns.Count; c++)
        {
            var name = columns[c];
            if (table.MergeRules.TryGetValue(name, out var rule) || TryRule(table.MergeRules, name, out rule))
                sources[c] = Pick(rule, columns, versions, nodes, c, baseNode);
            else if (timedBy.ContainsKey(name))
                sources[c] = Latest(versions, c);
            else
                sources[c] = baseNode;
        }
        var fromNodes = sources.Distinct().Select(s => nodes[s]);
        return new Resolution
        {
            Kind = ResolutionKind.Merged,
            Sources = sources,
            Concurrent = concurrent,
            VersionOverride = versionOverride,
            Reason = (concurrent ? "concurrent versions, fallback merge" : "merged") + $" field by field from {string.Join(", ", fromNodes)}",
        };
    }

    private static bool TryRule(IReadOnlyDictionary<string, MergeRule> rules, string column, out MergeRule rule)
    {
        foreach (var (name, value) in rules)
        {
            if (string.Equals(name, column, StringComparison.OrdinalIgnoreCase))
            {
                rule = value;
                return true;
            }
        }
        rule = null!;
        return false;
    }

    private static int Pick(MergeRule rule, IReadOnlyList<string> columns, IReadOnlyList<RowVersion> versions, IReadOnlyList<string> nodes, int column, int baseNode)
    {
        switch (rule.Kind)
        {
            case MergeRuleKind.Latest:
                return Latest(versions, IndexOf(columns, rule.Argument!));
            case MergeRuleKind.Max:
                return Latest(versions, column);
            case MergeRuleKind.Min:
            {
                var best = -1;
                for (var i = 0; i < versions.Count; i++)
                {
                    if (versions[i].Values?[column] is null)
                        continue;
                    if (best < 0 || ValueOrder.Compare(versions[i].Values![column], versions[best].Values![column]) < 0)
                        best = i;
                }
                return best < 0 ? baseNode : best;
            }
            default:
            {
                var preferred = -1;
                for (var i = 0; i < nodes.Count && preferred < 0; i++)
                    preferred = string.Equals(nodes[i], rule.Argument, StringComparison.Ordinal) ? i : -1;
                return preferred >= 0 && versions[preferred].Exists ? preferred : baseNode;
            }
        }
    }

    /// <summary>The node with the greatest value in <paramref name="column"/>; on a tie the earliest in order.</summary>
    private static int Latest(IReadOnlyList<RowVersion> versions, int column)
    {
        var best = -1;
        for (var i = 0; i < versions.Count; i++)
        {
            if (!versions[i].Exists)
                continue;
            if (best < 0 || ValueOrder.Compare(versions[i].Values![column], versions[best].Values![column]) > 0)
                best = i;
        }
        return best;
    }

    private static int First(IReadOnlyList<RowVersion> versions)
    {
        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i].Exists)
                return i;
        }
        return -1;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        throw new ArgumentException($"column or node '{name}' is not known");
    }
}
