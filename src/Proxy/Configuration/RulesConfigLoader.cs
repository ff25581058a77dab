using System.Text.RegularExpressions;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Consistency;
using Switchyard.Routing.Rules;

namespace Switchyard.Proxy.Configuration;

/// <summary>Reads `rules:` into a <see cref="RuleSet"/>: every pattern compiled and every digest normalised once,
/// here, and every name checked against the users and backend groups of the same file.</summary>
internal static class RulesConfigLoader
{
    /// <summary>The longest one rule's pattern may take on one statement; past it the rule counts as not matching.
    /// Long enough for any sane pattern over a long statement, short enough that a runaway one cannot stall clients.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(50);

    public static readonly string[] RuleKeys = ["name", "match", "route", "consistency", "max_lag", "block", "timeout", "mirror"];
    private static readonly string[] ActionKeys = ["route", "consistency", "max_lag", "block", "timeout", "mirror"];
    public static readonly string[] MatchKeys = ["class", "regex", "ignore_case", "digest", "user", "schema", "client"];

    public static RuleSet Read(YamlSection root, IReadOnlyList<UserConfig> users, IReadOnlyList<BackendConfig> backends)
    {
        var groups = backends.SelectMany(b => b.Groups).ToHashSet(StringComparer.Ordinal);
        var userNames = users.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
        var rules = new List<RoutingRule>();
        var index = 0;
        foreach (var rule in root.Sections("rules"))
        {
            rule.AllowOnly(RuleKeys);
            var name = rule.String("name") ?? $"rules[{index}]";
            if (rules.Any(r => r.Name == name))
                rule.Error(rule.Get("name")!, $"rule '{name}' is defined twice");
            var conditions = rule.Section("match") is { } match ? ReadConditions(match, userNames) : RuleConditions.Any;
            rules.Add(new RoutingRule(name, conditions, ReadAction(rule, groups)));
            index++;
        }
        return rules.Count == 0 ? RuleSet.Empty : new RuleSet(rules);
    }

    private static RuleConditions ReadConditions(YamlSection match, HashSet<string> userNames)
    {
        match.AllowOnly(MatchKeys);
        var classMask = 0;
        foreach (var (text, node) in match.StringList("class") ?? [])
        {
            if (StatementClassNames.TryParse(text, out var statementClass))
                classMask |= RuleConditions.MaskOf(statementClass);
            else
                match.Error(node, $"'{match.Qualify("class")}' must be one of {string.Join(", ", StatementClassNames.All)}, not '{text}'" +
                    YamlSection.DidYouMean(text, StatementClassNames.All));
        }

        var users = match.StringList("user");
        foreach (var (user, node) in users ?? [])
        {
            if (!userNames.Contains(user))
                match.Error(node, $"'{match.Qualify("user")}' names user '{user}', which is not in 'users'" + YamlSection.DidYouMean(user, userNames));
        }

        RuleDigest? digest = null;
        if (match.String("digest") is { } digestText)
        {
            if (RuleDigest.TryCreate(digestText, out var parsed))
                digest = parsed;
            else
                match.Error(match.Get("digest")!, $"'{match.Qualify("digest")}' is empty once comments and spacing are removed");
        }

        var clients = new List<ClientNetwork>();
        var clientItems = match.StringList("client");
        foreach (var (text, node) in clientItems ?? [])
        {
            if (ClientNetwork.TryParse(text, out var network, out var error))
                clients.Add(network);
            else
                match.Error(node, $"'{match.Qualify("client")}': {error}");
        }

        return new RuleConditions
        {
            ClassMask = classMask,
            Pattern = ReadPattern(match),
            Digest = digest,
            Users = users?.Select(u => u.Value).ToArray(),
            Schemas = match.StringList("schema")?.Select(s => s.Value).ToArray(),
            Clients = clientItems is null ? null : clients.ToArray(),
        };
    }

    private static Regex? ReadPattern(YamlSection match)
    {
        var ignoreCase = match.Bool("ignore_case", true);
        if (match.String("regex") is not { } pattern)
        {
            if (match.Get("ignore_case") is { } stray)
                match.Error(stray, $"'{match.Qualify("ignore_case")}' applies to 'regex', which this rule does not have");
            return null;
        }
        // Compiled: built once per load, then run for every statement that reaches the rule.
        var options = RegexOptions.CultureInvariant | RegexOptions.Compiled | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        try
        {
            return new Regex(pattern, options, RegexTimeout);
        }
        catch (ArgumentException e)
        {
            match.Error(match.Get("regex")!, $"'{match.Qualify("regex")}' is not a valid regular expression: {(e as RegexParseException)?.Error.ToString() ?? e.Message}" +
                (e is RegexParseException parse ? $" at offset {parse.Offset}" : ""));
            return null;
        }
    }

    private static RuleAction ReadAction(YamlSection rule, HashSet<string> groups)
    {
        var route = RuleRoute.Default;
        if (rule.String("route") is { } target)
        {
            route = target switch
            {
                "primary" => RuleRoute.Primary,
                "replica" => RuleRoute.Replica,
                _ when groups.Contains(target) => RuleRoute.ToGroup(target),
                _ => Unknown(),
            };

            RuleRoute Unknown()
            {
                rule.Error(rule.Get("route")!, $"'{rule.Qualify("route")}' names backend group '{target}', which no backend is in " +
                    $"(route is primary, replica or a group from backends[].groups)" + YamlSection.DidYouMean(target, groups.Append("primary").Append("replica")));
                return RuleRoute.Default;
            }
        }

        ConsistencyLevel? consistency = null;
        if (rule.String("consistency") is { } levelText)
        {
            if (ConsistencyLevel.TryParse(levelText, out var level, out var error))
                consistency = level;
            else
                rule.Error(rule.Get("consistency")!, $"'{rule.Qualify("consistency")}' is not a consistency level: {error}");
        }
        if (rule.Get("max_lag") is { } maxLagNode)
        {
            var maxLag = rule.Duration("max_lag", TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
            if (rule.Get("consistency") is not null)
                rule.Error(maxLagNode, $"'{rule.Path}' must have only one of consistency, max_lag (max_lag: 2s is consistency: max_lag=2)");
            else if (maxLag > TimeSpan.Zero)
                consistency = ConsistencyLevel.MaxLag(maxLag.TotalSeconds);
        }

        TimeSpan? timeout = rule.Get("timeout") is null ? null : rule.Duration("timeout", TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
        var mirror = rule.String("mirror");
        if (mirror is not null && !groups.Contains(mirror))
            rule.Error(rule.Get("mirror")!, $"'{rule.Qualify("mirror")}' names backend group '{mirror}', which no backend is in" + YamlSection.DidYouMean(mirror, groups));
        var block = rule.String("block");
        if (block is not null)
        {
            if (string.IsNullOrWhiteSpace(block))
                rule.Error(rule.Get("block") ?? rule.Node, $"'{rule.Qualify("block")}' needs the message the client gets");
            if (rule.Get("route") is not null || rule.Get("consistency") is not null || rule.Get("max_lag") is not null || rule.Get("timeout") is not null || mirror is not null)
                rule.Error(rule.Get("block") ?? rule.Node, $"'{rule.Qualify("block")}' cannot be combined with route, consistency, max_lag, timeout or mirror: a blocked statement runs nowhere");
        }

        var action = new RuleAction { Route = route, Consistency = consistency, BlockMessage = block, Timeout = timeout, MirrorGroup = mirror };
        if (ActionKeys.All(key => rule.Get(key) is null))
            rule.Error(rule.Node, $"'{rule.Path}' has no action: give route, consistency, max_lag, block, timeout or mirror");
        return action;
    }
}
