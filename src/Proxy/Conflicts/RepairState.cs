namespace Switchyard.Proxy.Conflicts;

/// <summary>What became of a diverged row's resolution.</summary>
internal enum RepairState : byte
{
    /// <summary>Detection only: this scan did not repair the table (no repair asked, or auto_repair off).</summary>
    NotRequested,
    /// <summary>report-only: never repaired.</summary>
    ReportOnly,
    /// <summary>Written where it differed and read back identical from every node.</summary>
    Verified,
    /// <summary>Written, but a node did not read back the resolved row (changed again meanwhile).</summary>
    Unverified,
    /// <summary>Not written: the row changed on a node after it was read, or replication had not settled.</summary>
    Skipped,
    /// <summary>Writing failed (for example the user may not SET sql_log_bin=0).</summary>
    Failed,
}
