using Switchyard.Routing.Conflicts;

namespace Switchyard.Proxy.Conflicts;

/// <summary>One table's part of a scan.</summary>
internal sealed class TableScanReport
{
    public required ConflictTable Table { get; init; }
    /// <summary>Rows compared: per key range, the most any node had.</summary>
    public long RowsCompared { get; set; }
    public int Ranges { get; set; }
    public int RangesDiffering { get; set; }
    /// <summary>Why the table was not (fully) compared; null when it was.</summary>
    public string? Error { get; set; }
    /// <summary>Why replication had not settled before a comparison (a node did not apply another's GTID position in
    /// time); null when every wait succeeded. An unsettled table is not repaired and makes the scan incomplete.</summary>
    public string? Unsettled { get; set; }
    public List<DivergedRow> Diverged { get; } = [];
    /// <summary>The table's columns in order (for the report's per-column values).</summary>
    public IReadOnlyList<string> Columns { get; set; } = [];

    /// <summary>Diverged rows a repair did not make identical.</summary>
    public int Remaining => Diverged.Count(d => d.Repair != RepairState.Verified);
}
