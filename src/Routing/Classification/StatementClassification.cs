namespace Switchyard.Routing.Classification;

/// <summary>The routing-relevant facts about one COM_QUERY (which may hold several statements).</summary>
/// <param name="Class">What the statement does; for a multi-statement the most restrictive part.</param>
/// <param name="Flags">Details; for a multi-statement the union over all parts.</param>
internal readonly record struct StatementClassification(StatementClass Class, StatementFlags Flags)
{
    /// <summary>The flags that force a statement onto the primary whatever its class.</summary>
    public const StatementFlags PrimaryReasons =
        StatementFlags.LockingRead | StatementFlags.IntoVariableOrFile | StatementFlags.LockFunction
        | StatementFlags.LastInsertId | StatementFlags.FoundRows | StatementFlags.Sequence
        | StatementFlags.UnknownFunctionMayWrite | StatementFlags.UserVariableAssignment
        | StatementFlags.TemporaryTable | StatementFlags.LockTables | StatementFlags.SqlPrepare
        | StatementFlags.Xa | StatementFlags.ReplicationStatus | StatementFlags.Truncated;

    /// <summary>
    /// True for <see cref="StatementClass.Write"/> and <see cref="StatementClass.Other"/>, and for any
    /// class carrying one of <see cref="PrimaryReasons"/>. For a <see cref="StatementClass.Read"/> without
    /// them, a replica may serve the statement; session and transaction statements without them are placed
    /// by the router's session and transaction tracking.
    /// </summary>
    public bool MustRunOnPrimary =>
        Class is StatementClass.Write or StatementClass.Other || (Flags & PrimaryReasons) != 0;

    /// <summary>True when every flag in <paramref name="flags"/> is set.</summary>
    public bool Has(StatementFlags flags) => (Flags & flags) == flags;
}
