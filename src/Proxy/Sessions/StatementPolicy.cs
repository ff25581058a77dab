using Switchyard.Proxy.Digests;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Consistency;
using Switchyard.Routing.Decisions;
using Switchyard.Routing.Rules;

namespace Switchyard.Proxy.Sessions;

/// <summary>What the operator's configuration says about one statement: the routing rule it matched (if any) and
/// the digest its statistics are counted under (if digests are on). Taken once per COM_QUERY, and once per
/// prepared statement at PREPARE for all its EXECUTEs.</summary>
internal readonly record struct StatementPolicy(RoutingRule? Rule, DigestEntry? Digest)
{
    public static StatementPolicy None => default;

    public RuleAction? Action => Rule?.Action;

    public bool Blocks => Rule?.Action.Blocks == true;

    public TimeSpan? Timeout => Rule?.Action.Timeout;

    /// <summary>The backend group that gets a copy of the statement once it succeeded (null: none).</summary>
    public string? Mirror => Rule?.Action.MirrorGroup;

    /// <summary>The backend group a read is restricted to (null: any replica).</summary>
    public string? Group => Rule?.Action.Route is { Kind: RuleRouteKind.Group } route ? route.Group : null;

    /// <summary>A rule's consistency applies to a statement that names none in its own tags: the application's explicit
    /// per-statement choice stays the most specific.</summary>
    public StatementTags Apply(StatementTags tags) =>
        tags.Consistency is null && Rule?.Action.Consistency is { } level ? tags with { Consistency = level } : tags;

    /// <summary>The rule's route on top of the router's. Writes, anything the router keeps on the primary for a reason
    /// of its own, transactions and pinned sessions are never moved to a replica; a primary route moves any read there.</summary>
    public RouteTarget Apply(RouteTarget planned, StatementClassification statement)
    {
        if (Rule?.Action.Route is not { Kind: not RuleRouteKind.Default } route || planned == RouteTarget.Current)
            return planned;
        return route.Kind switch
        {
            RuleRouteKind.Primary => RouteTarget.Primary,
            // The one thing an operator knows better than the classifier: a function it cannot see into writes nothing.
            RuleRouteKind.Replica or RuleRouteKind.Group when planned == RouteTarget.Primary && statement.Class == StatementClass.Read
                && (statement.Flags & StatementClassification.PrimaryReasons) == StatementFlags.UnknownFunctionMayWrite => RouteTarget.Replica,
            _ => planned,
        };
    }
}
