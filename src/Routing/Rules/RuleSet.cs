using System.Runtime.CompilerServices;

namespace Switchyard.Routing.Rules;

/// <summary>
/// The configured routing rules, in file order; the first rule whose conditions all hold decides. Immutable: a
/// reload builds a new set and swaps it whole, so a statement is matched against one consistent set.
/// </summary>
/// <remarks>
/// Cost per statement: an empty set is one length check. Otherwise each rule checks only the conditions it names,
/// cheapest first; the digest is computed (once per statement) only when a rule naming a digest is reached and its
/// other conditions held, and the text is decoded for regular expressions likewise. Nothing is allocated.
/// <para>How a session uses it, once per statement, after classification:</para>
/// <code>
/// var rules = context.Live.Current.Rules;      // one snapshot for the whole statement
/// var rule = rules.Match(new RuleInput(classification.Class, sqlUtf8, user, schema, clientAddress)
///     { Digest = digestIfAlreadyComputed, NoBackslashEscapes = noBackslashEscapes });
/// if (rule?.Action is { } action)
/// {
///     if (action.Blocks) { /* ERR RuleAction.BlockedErrorCode, SQLSTATE 42000, action.BlockMessage; do not forward */ }
///     // action.Route (primary | replica | group), action.Consistency, action.Timeout
/// }
/// </code>
/// </remarks>
internal sealed class RuleSet
{
    private readonly RoutingRule[] _rules;

    public RuleSet(IEnumerable<RoutingRule> rules)
    {
        _rules = rules.ToArray();
        NeedsDigest = _rules.Any(r => r.Conditions.Digest is not null);
        NeedsText = _rules.Any(r => r.Conditions.Pattern is not null);
    }

    public static RuleSet Empty { get; } = new([]);

    public IReadOnlyList<RoutingRule> Rules => _rules;

    public int Count => _rules.Length;

    /// <summary>Some rule names a digest: a caller that computes digests anyway should pass it in
    /// <see cref="RuleInput.Digest"/>.</summary>
    public bool NeedsDigest { get; }

    /// <summary>Some rule has a regular expression over the statement text.</summary>
    public bool NeedsText { get; }

    /// <summary>Before this set replaces <paramref name="previous"/>: each rule continues the counts of the previous rule
    /// of the same name. Hits counted on the previous set between this call and the swap are lost; a reload is rare.</summary>
    public void ContinueCountsFrom(RuleSet previous)
    {
        foreach (var rule in _rules)
        {
            if (Array.Find(previous._rules, r => r.Name == rule.Name) is { } old)
                rule.ContinueFrom(old);
        }
    }

    /// <summary>The first rule matching <paramref name="input"/>, its hit counted; null when none matches (route as
    /// usual). Thread-safe: called concurrently by every session.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RoutingRule? Match(in RuleInput input) => _rules.Length == 0 ? null : MatchAny(input);

    private RoutingRule? MatchAny(in RuleInput input)
    {
        var scratch = new RuleScratch();
        try
        {
            foreach (var rule in _rules)
            {
                if (rule.Conditions.Matches(input, ref scratch, rule))
                {
                    rule.CountHit();
                    return rule;
                }
            }
            return null;
        }
        finally
        {
            scratch.Dispose();
        }
    }
}
