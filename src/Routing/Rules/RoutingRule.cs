using System.Text;

namespace Switchyard.Routing.Rules;

/// <summary>One entry of a <see cref="RuleSet"/>: its conditions, its action and how often it matched. Immutable
/// apart from the counters, which are shared by every session and updated with Interlocked.</summary>
internal sealed class RoutingRule(string name, RuleConditions conditions, RuleAction action)
{
    private long _hits;
    private long _regexTimeouts;

    /// <summary>The name from the configuration (or <c>rules[N]</c>), for logs, metrics and /status.</summary>
    public string Name { get; } = name;
    public RuleConditions Conditions { get; } = conditions;
    public RuleAction Action { get; } = action;

    /// <summary>Statements this rule matched (it was the first match) since it was loaded.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Statements for which this rule's pattern ran out of time (counted as no match).</summary>
    public long RegexTimeouts => Interlocked.Read(ref _regexTimeouts);

    internal void CountHit() => Interlocked.Increment(ref _hits);

    internal void CountRegexTimeout() => Interlocked.Increment(ref _regexTimeouts);

    /// <summary>Continues the counts of the rule of the same name in the set this one replaces, so counters exported
    /// as Prometheus counters do not fall back to zero on every reload.</summary>
    internal void ContinueFrom(RoutingRule previous)
    {
        Interlocked.Add(ref _hits, previous.Hits);
        Interlocked.Add(ref _regexTimeouts, previous.RegexTimeouts);
    }

    /// <summary>One line for `--check-config`: conditions, then the action.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        var c = Conditions;
        if (c.ClassMask != 0)
            text.Append("class=").Append(string.Join('|', Enum.GetValues<Classification.StatementClass>()
                .Where(k => (c.ClassMask & RuleConditions.MaskOf(k)) != 0).Select(StatementClassNames.NameOf))).Append(' ');
        if (c.Users is { } users)
            text.Append("user=").Append(string.Join('|', users)).Append(' ');
        if (c.Schemas is { } schemas)
            text.Append("schema=").Append(string.Join('|', schemas)).Append(' ');
        if (c.Clients is { } clients)
            text.Append("client=").Append(string.Join('|', clients)).Append(' ');
        if (c.Digest is { } digest)
            text.Append("digest=\"").Append(digest.Text).Append("\" ");
        if (c.Pattern is { } pattern)
            text.Append("regex=/").Append(pattern).Append('/').Append((pattern.Options & System.Text.RegularExpressions.RegexOptions.IgnoreCase) != 0 ? "i " : " ");
        if (text.Length == 0)
            text.Append("every statement ");
        text.Append("->");
        var a = Action;
        if (a.BlockMessage is { } message)
            text.Append(" block \"").Append(message).Append('"');
        if (a.Route.Kind != RuleRouteKind.Default)
            text.Append(" route ").Append(a.Route);
        if (a.Consistency is { } level)
            text.Append(" consistency ").Append(Spell(level));
        if (a.Timeout is { } timeout)
            text.Append(" timeout ").Append(timeout.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("ms");
        return text.ToString();
    }

    // The documented spellings, written out here so the summary does not depend on ConsistencyLevel's formatting.
    private static string Spell(Consistency.ConsistencyLevel level) => level.Kind switch
    {
        Consistency.ConsistencyKind.Strong => "strong",
        Consistency.ConsistencyKind.Eventual => "eventual",
        Consistency.ConsistencyKind.ReadYourWrites => "read-your-writes",
        _ => "max_lag=" + level.MaxLagSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
