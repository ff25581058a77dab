namespace Switchyard.Routing.Conflicts;

/// <summary>
/// The resolved version of a diverged row, as values in and values out: for each column, the index of the node whose
/// value it takes (<see cref="Sources"/>), plus the version vector to store when the versions were concurrent.
/// </summary>
internal sealed record Resolution
{
    public required ResolutionKind Kind { get; init; }
    /// <summary>Per column (in the table's column order), the node whose value the resolved row takes; empty when
    /// <see cref="Kind"/> is <see cref="ResolutionKind.Reported"/>.</summary>
    public IReadOnlyList<int> Sources { get; init; } = [];
    /// <summary>The node whose whole version won (<see cref="ResolutionKind.Winner"/>), else -1.</summary>
    public int WinningNode { get; init; } = -1;
    /// <summary>Vector clock: the versions were concurrent, a true conflict settled by the fallback.</summary>
    public bool Concurrent { get; init; }
    /// <summary>The version column's value in the resolved row when it is not one node's (the merged vector).</summary>
    public string? VersionOverride { get; init; }
    /// <summary>Why this version, for the report.</summary>
    public required string Reason { get; init; }
}
