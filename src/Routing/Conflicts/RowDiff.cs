namespace Switchyard.Routing.Conflicts;

/// <summary>Row-by-row comparison of one key range: the keys whose versions are not the same on every node.</summary>
internal static class RowDiff
{
    /// <param name="perNode">Per node, its rows of the range by key text (the key columns rendered and joined).</param>
    /// <returns>The diverged keys in ordinal order, each with every node's version (absent where a node lacks it).</returns>
    public static List<(string Key, RowVersion[] Versions)> Diverged(IReadOnlyList<IReadOnlyDictionary<string, RowVersion>> perNode)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var rows in perNode)
            keys.UnionWith(rows.Keys);
        var diverged = new List<(string, RowVersion[])>();
        foreach (var key in keys)
        {
            var versions = perNode.Select(rows => rows.GetValueOrDefault(key) ?? RowVersion.Absent).ToArray();
            if (versions.Any(v => !v.SameAs(versions[0])))
                diverged.Add((key, versions));
        }
        return diverged;
    }
}
