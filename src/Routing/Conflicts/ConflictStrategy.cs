namespace Switchyard.Routing.Conflicts;

/// <summary>How diverged versions of a row are resolved (<c>conflicts.tables[].strategy</c>).</summary>
internal enum ConflictStrategy : byte
{
    /// <summary>The version with the latest timestamp column wins; ties go to the earlier node in the node order.</summary>
    LastWriteWins,
    /// <summary>A version vector (JSON object node → counter) decides; concurrent vectors go to the fallback, flagged.</summary>
    VectorClock,
    /// <summary>Field by field: each column takes the value its merge rule picks.</summary>
    Merge,
    /// <summary>Diverged rows are reported, never repaired.</summary>
    ReportOnly,
}
