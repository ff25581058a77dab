namespace Switchyard.Routing.Conflicts;

/// <summary>How one column is merged across diverged versions.</summary>
internal enum MergeRuleKind : byte
{
    /// <summary>The value from the version whose per-field timestamp column is latest (<c>latest:ts_column</c>).</summary>
    Latest,
    /// <summary>The greatest value (numbers compared as numbers).</summary>
    Max,
    /// <summary>The smallest non-null value.</summary>
    Min,
    /// <summary>The value of one named node, when that node has the row (<c>prefer:node</c>).</summary>
    PreferNode,
}
