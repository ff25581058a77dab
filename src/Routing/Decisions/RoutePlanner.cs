using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Decisions;

/// <summary>
/// Decides where a statement runs from its classification and the session's state. Pure: the proxy turns the
/// answer into a connection (and falls back to the primary when no replica is eligible).
/// </summary>
internal static class RoutePlanner
{
    /// <summary>Flags of statements about the previous statement of the same connection.</summary>
    public const StatementFlags AboutPreviousStatement =
        StatementFlags.PreviousStatementDiagnostics | StatementFlags.LastInsertId | StatementFlags.FoundRows;

    public static RouteTarget Route(StatementClassification statement, SessionRouteState session)
    {
        if (session.Pinned || session.HeldConnectionServes)
            return RouteTarget.Current;
        if (session.AutocommitOff || statement.MustRunOnPrimary)
            return RouteTarget.Primary;
        return statement.Class switch
        {
            StatementClass.Read => RouteTarget.Replica,
            // START TRANSACTION READ ONLY cannot write: the whole transaction may run on one replica.
            StatementClass.TransactionControl when statement.Has(StatementFlags.TransactionStart | StatementFlags.ReadOnlyTransaction) => RouteTarget.Replica,
            _ => RouteTarget.Primary,
        };
    }

    /// <summary>True when a statement must run on the connection that ran the previous statement.</summary>
    public static bool NeedsPreviousConnection(StatementClassification statement) => (statement.Flags & AboutPreviousStatement) != 0;
}
