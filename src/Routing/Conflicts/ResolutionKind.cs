namespace Switchyard.Routing.Conflicts;

/// <summary>What decided a diverged row's resolved version.</summary>
internal enum ResolutionKind : byte
{
    /// <summary>report-only: nothing is resolved.</summary>
    Reported,
    /// <summary>One node's whole version won (latest timestamp, or a dominating vector).</summary>
    Winner,
    /// <summary>The resolved row takes columns from several versions (merge).</summary>
    Merged,
}
