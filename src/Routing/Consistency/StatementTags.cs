namespace Switchyard.Routing.Consistency;

/// <summary>
/// What a statement's comments ask of the proxy. Two forms are read anywhere in the statement outside string
/// literals and quoted identifiers:
/// <list type="bullet">
/// <item>sqlcommenter: <c>/*consistency='strong',user_id='42',min_gtid='0-1-123'*/</c> — comma-separated
/// <c>key='value'</c> pairs, keys and values URL-encoded (%XX), values in single quotes; keys the proxy does not
/// know (traceparent, route, …) are ignored. <c>max_lag='1.5'</c> is the same as <c>consistency='max_lag=1.5'</c>.</item>
/// <item>short hint: <c>/*sy:strong*/</c>, <c>/*sy:eventual*/</c>, <c>/*sy:ryw*/</c>, <c>/*sy:max_lag=1.5*/</c>.</item>
/// </list>
/// A tag never changes what the server executes: the statement is forwarded unchanged.
/// </summary>
/// <param name="Consistency">The requested level, when a tag named a valid one.</param>
/// <param name="UserId">The application user key (<c>user_id</c>).</param>
/// <param name="MinGtid">A GTID (set) the read must see (<c>min_gtid</c>): read-your-writes across services.</param>
/// <param name="Problem">Non-null when a tag the proxy knows was malformed (unknown level, bad GTID, bad escape):
/// that tag is ignored and the configured default applies; the text is for the debug log.</param>
internal readonly record struct StatementTags(ConsistencyLevel? Consistency, string? UserId, GtidSet? MinGtid, string? Problem)
{
    public static StatementTags None => default;

    public bool IsEmpty => Consistency is null && UserId is null && MinGtid is null && Problem is null;
}
