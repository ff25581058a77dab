using Switchyard.Routing.Conflicts;

namespace Switchyard.Proxy.Conflicts;

/// <summary>One row whose versions differ between nodes, how it was resolved and whether the resolution was applied.</summary>
internal sealed class DivergedRow
{
    public required string Key { get; init; }
    /// <summary>The key column values as read (typed), for statements that touch only this row.</summary>
    public required object?[] KeyValues { get; init; }
    /// <summary>Per node in node order: its version as text (absent when it lacks the row).</summary>
    public required RowVersion[] Versions { get; init; }
    /// <summary>Per node in node order: the typed values read (null when it lacks the row).</summary>
    public required object?[]?[] Typed { get; init; }
    public required Resolution Resolution { get; init; }
    /// <summary>The resolved row (typed and as text), null for report-only.</summary>
    public object?[]? Resolved { get; init; }
    public RowVersion? ResolvedText { get; init; }
    /// <summary>What happened to the resolution: not-applied, applied, skipped… (see <see cref="RepairState"/>).</summary>
    public RepairState Repair { get; set; } = RepairState.NotRequested;
    /// <summary>Nodes the resolved row was written to.</summary>
    public List<string> RepairedOn { get; } = [];
    /// <summary>Why a repair was skipped or failed.</summary>
    public string? RepairNote { get; set; }
}
