using System.Text.RegularExpressions;

namespace Switchyard.Proxy.Configuration;

public static partial class ConfigLoader
{
    /// <summary>`region` and `groups` of one backend. Group names are what rules route to, so they must not be
    /// mistaken for the built-in targets.</summary>
    private static (string? Region, IReadOnlyList<string> Groups) BackendTags(YamlSection backend)
    {
        var region = backend.String("region");
        if (region is not null && string.IsNullOrWhiteSpace(region))
            backend.Error(backend.Get("region")!, $"'{backend.Qualify("region")}' must not be blank");
        var groups = new List<string>();
        foreach (var (group, node) in backend.StringList("groups") ?? [])
        {
            if (group is "primary" or "replica")
                backend.Error(node, $"'{backend.Qualify("groups")}' cannot use '{group}': rules already route to {group} by that name");
            else if (!GroupNamePattern().IsMatch(group))
                backend.Error(node, $"'{backend.Qualify("groups")}' names must be letters, digits, '_', '-' or '.' (at most 64), not '{group}'");
            else if (groups.Contains(group))
                backend.Error(node, $"'{backend.Qualify("groups")}' lists '{group}' twice");
            else
                groups.Add(group);
        }
        return (region, groups);
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{1,64}$")]
    private static partial Regex GroupNamePattern();
}
