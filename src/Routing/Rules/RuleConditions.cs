using System.Net;
using System.Text.RegularExpressions;
using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Rules;

/// <summary>
/// When a rule applies: every condition given must hold (a list within one condition matches any of its items).
/// A condition left null is not checked at all, so a rule pays only for what it names. With none given, the rule
/// matches every statement.
/// </summary>
internal sealed record RuleConditions
{
    public static RuleConditions Any { get; } = new();

    /// <summary>Bit <c>1 &lt;&lt; (int)class</c> set for each class matched; 0 matches every class.</summary>
    public int ClassMask { get; init; }

    /// <summary>Tested against the statement text; built with a match timeout, so a pathological pattern costs a
    /// bounded time (a timed-out test counts as no match).</summary>
    public Regex? Pattern { get; init; }

    /// <summary>The statement's digest must be this one.</summary>
    public RuleDigest? Digest { get; init; }

    /// <summary>The session's user must be one of these (case-sensitive, as MySQL user names are).</summary>
    public IReadOnlyList<string>? Users { get; init; }

    /// <summary>The session's current schema must be one of these (a session without a schema never matches).</summary>
    public IReadOnlyList<string>? Schemas { get; init; }

    /// <summary>The client's address must be in one of these ranges.</summary>
    public IReadOnlyList<ClientNetwork>? Clients { get; init; }

    public static int MaskOf(StatementClass statementClass) => 1 << (int)statementClass;

    /// <summary>Checks the cheap conditions first and the costly ones (digest, then regex) only if those pass.</summary>
    internal bool Matches(in RuleInput input, ref RuleScratch scratch, RoutingRule rule)
    {
        if (ClassMask != 0 && (ClassMask & MaskOf(input.Class)) == 0)
            return false;
        if (Users is { } users && !Contains(users, input.User))
            return false;
        if (Schemas is { } schemas && (input.Schema is null || !Contains(schemas, input.Schema)))
            return false;
        if (Clients is { } clients && !InAny(clients, input.ClientAddress))
            return false;
        if (Digest is { } digest && scratch.DigestOf(input) != digest.Hash)
            return false;
        if (Pattern is { } pattern && !scratch.IsMatch(pattern, input, rule))
            return false;
        return true;
    }

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    private static bool InAny(IReadOnlyList<ClientNetwork> networks, IPAddress? address)
    {
        if (address is null)
            return false;
        for (var i = 0; i < networks.Count; i++)
        {
            if (networks[i].Contains(address))
                return true;
        }
        return false;
    }
}
