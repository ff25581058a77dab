using Switchyard.Routing.Consistency;

namespace Switchyard.Routing.Rules;

/// <summary>
/// What happens to a statement a rule matched. Parts combine (a route, a consistency level and a timeout), except
/// <see cref="BlockMessage"/>, which the loader accepts only on its own: a blocked statement goes nowhere.
/// </summary>
internal sealed record RuleAction
{
    /// <summary>ER_NOT_ALLOWED_COMMAND: the code a blocked statement is answered with (SQLSTATE 42000), as other
    /// MySQL proxies answer a statement their firewall rejects.</summary>
    public const ushort BlockedErrorCode = 1148;

    /// <summary>Where the statement goes. Writes and transaction statements still go to the primary whatever a
    /// rule says (a replica is read-only), and a statement inside a transaction stays on the transaction's
    /// connection; a route applies to statements the router would otherwise place itself.</summary>
    public RuleRoute Route { get; init; }

    /// <summary>The read consistency to apply instead of the session's; null keeps the session's.
    /// <c>max_lag: 2s</c> in the file is <see cref="ConsistencyLevel.MaxLag"/>.</summary>
    public ConsistencyLevel? Consistency { get; init; }

    /// <summary>Non-null: the statement is not forwarded; the client gets ERR <see cref="BlockedErrorCode"/> with
    /// this text.</summary>
    public string? BlockMessage { get; init; }

    /// <summary>The longest the statement may run before the proxy cancels it; null means no limit of its own.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>A backend group that also gets a copy of the statement once it succeeded (like ProxySQL's mirror
    /// hostgroup): sent in the background, its answer discarded; null (the default) mirrors nothing.</summary>
    public string? MirrorGroup { get; init; }

    public bool Blocks => BlockMessage is not null;

    /// <summary>True when the action changes nothing (the loader rejects such rules: they would only count hits).</summary>
    public bool IsEmpty => Route.Kind == RuleRouteKind.Default && Consistency is null && BlockMessage is null && Timeout is null && MirrorGroup is null;
}
