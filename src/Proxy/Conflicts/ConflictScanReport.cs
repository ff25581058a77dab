namespace Switchyard.Proxy.Conflicts;

/// <summary>One scan over every configured table: what was compared, what diverged, what was repaired, and — when it
/// could not compare everything — why it is incomplete. An incomplete scan never means "no conflicts".</summary>
internal sealed class ConflictScanReport
{
    public required DateTimeOffset Started { get; init; }
    public DateTimeOffset? Finished { get; set; }
    /// <summary>background, http or cli.</summary>
    public required string Trigger { get; init; }
    /// <summary>Repair was asked for every table (on demand); background scans repair tables with auto_repair.</summary>
    public required bool RepairRequested { get; init; }
    public required IReadOnlyList<string> Nodes { get; init; }
    public List<TableScanReport> Tables { get; } = [];
    public List<string> IncompleteReasons { get; } = [];

    public bool Complete => Finished is not null && IncompleteReasons.Count == 0;
    public long RowsCompared => Tables.Sum(t => t.RowsCompared);
    public int DivergedRows => Tables.Sum(t => t.Diverged.Count);
    public int RemainingRows => Tables.Sum(t => t.Remaining);
    public TimeSpan Duration => (Finished ?? Started) - Started;
}
