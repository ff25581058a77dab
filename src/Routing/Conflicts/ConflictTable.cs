namespace Switchyard.Routing.Conflicts;

/// <summary>A table watched for conflicts (<c>conflicts.tables[]</c>) and how its diverged rows are resolved.</summary>
internal sealed record ConflictTable
{
    /// <summary>Database name.</summary>
    public required string Schema { get; init; }
    /// <summary>Table name.</summary>
    public required string Table { get; init; }
    /// <summary>The columns of a primary or unique key, in key order: rows are matched across nodes by them.</summary>
    public required IReadOnlyList<string> Key { get; init; }
    public ConflictStrategy Strategy { get; init; } = ConflictStrategy.ReportOnly;
    /// <summary>Last-write-wins (and the vector clock's last-write-wins fallback, and merge's unlisted columns): the
    /// row's modification time (TIMESTAMP, DATETIME or an integer epoch).</summary>
    public string? TimestampColumn { get; init; }
    /// <summary>Vector clock: a JSON object {"node": counter, ...} the application maintains.</summary>
    public string? VersionColumn { get; init; }
    /// <summary>Vector clock: how concurrent versions are resolved (last-write-wins or merge).</summary>
    public ConflictStrategy Fallback { get; init; } = ConflictStrategy.LastWriteWins;
    /// <summary>Merge: a rule per column; columns without one follow the row's last write (or the first node).</summary>
    public IReadOnlyDictionary<string, MergeRule> MergeRules { get; init; } = new Dictionary<string, MergeRule>();
    /// <summary>Apply resolutions on every background scan (on-demand scans repair when asked to).</summary>
    public bool AutoRepair { get; init; }

    public string Name => $"{Schema}.{Table}";
}
