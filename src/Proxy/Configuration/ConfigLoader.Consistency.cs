using Switchyard.Routing.Consistency;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Proxy.Configuration;

/// <summary>The <c>consistency:</c> section and the per-user <c>consistency</c> key.</summary>
public static partial class ConfigLoader
{
    private static ConsistencyConfig ReadConsistency(YamlSection section, ConsistencyConfig defaults, bool galera)
    {
        section.AllowOnly("default", "read_your_writes");
        var config = defaults with { Default = ConsistencyLevelText(section, "default") ?? defaults.Default };
        if (section.Section("read_your_writes") is not { } ryw)
            return config;

        ryw.AllowOnly("mode", "scope", "user_key", "time_window", "gtid_wait_timeout", "max_tracked_users", "user_expiry");
        var d = defaults.ReadYourWrites;
        var mode = d.Mode;
        if (ryw.String("mode") is { } modeText)
        {
            if (modeText == "gtid" && galera)
                ryw.Error(ryw.Get("mode")!, $"'{ryw.Qualify("mode")}: gtid' does not work with topology.kind galera (a Galera node reports no GTID per write that another node could wait for); use time, the default there");
            else if (modeText == "gtid")
                mode = ReadYourWritesModeSetting.Gtid;
            else if (modeText == "time")
                mode = ReadYourWritesModeSetting.Time;
            else
                ryw.Error(ryw.Get("mode")!, $"'{ryw.Qualify("mode")}' must be gtid or time, not '{modeText}'");
        }
        var scope = d.Scope;
        if (ryw.String("scope") is { } scopeText)
        {
            if (scopeText == "connection")
                scope = ReadYourWritesScope.Connection;
            else if (scopeText == "user")
                scope = ReadYourWritesScope.User;
            else
                ryw.Error(ryw.Get("scope")!, $"'{ryw.Qualify("scope")}' must be connection or user, not '{scopeText}'");
        }
        return config with
        {
            ReadYourWrites = new ReadYourWritesConfig
            {
                Mode = mode,
                Scope = scope,
                UserKey = UserKeySources(ryw) ?? d.UserKey,
                TimeWindow = ryw.Duration("time_window", d.TimeWindow, TimeSpan.FromMilliseconds(1)),
                GtidWaitTimeout = ryw.Duration("gtid_wait_timeout", d.GtidWaitTimeout, TimeSpan.Zero),
                MaxTrackedUsers = ryw.Int("max_tracked_users", d.MaxTrackedUsers, 1, 100_000_000),
                UserExpiry = ryw.Duration("user_expiry", d.UserExpiry, TimeSpan.FromSeconds(1)),
            },
        };
    }

    /// <summary>A level as written (validated with the parser the proxy uses at run time), or null when absent.</summary>
    private static string? ConsistencyLevelText(YamlSection section, string key)
    {
        if (section.String(key) is not { } text)
            return null;
        if (!ConsistencyLevel.TryParse(text, out _, out var error))
        {
            section.Error(section.Get(key)!, $"'{section.Qualify(key)}' must be strong, eventual, read-your-writes or max_lag=N (seconds), not '{text}': {error}");
            return null;
        }
        return text;
    }

    /// <summary>user_key: a list (or one value) of tag, session, db_user, each at most once.</summary>
    private static List<UserKeySource>? UserKeySources(YamlSection section)
    {
        if (section.Get("user_key") is not { } node)
            return null;
        IEnumerable<YamlNode> items = node is YamlSequenceNode sequence ? sequence.Children : [node];
        var sources = new List<UserKeySource>();
        foreach (var item in items)
        {
            var text = (item as YamlScalarNode)?.Value;
            UserKeySource? source = text switch
            {
                "tag" => UserKeySource.Tag,
                "session" => UserKeySource.Session,
                "db_user" => UserKeySource.DbUser,
                _ => null,
            };
            if (source is not { } s)
                section.Error(item, $"'{section.Qualify("user_key")}' entries must be tag, session or db_user, not '{text}'");
            else if (sources.Contains(s))
                section.Error(item, $"'{section.Qualify("user_key")}' names '{text}' twice");
            else
                sources.Add(s);
        }
        if (sources.Count == 0 && node is YamlSequenceNode { Children.Count: 0 })
            section.Error(node, $"'{section.Qualify("user_key")}' must name at least one of tag, session, db_user");
        return sources;
    }
}
