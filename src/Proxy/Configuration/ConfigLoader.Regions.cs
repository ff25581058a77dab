using YamlDotNet.RepresentationModel;

namespace Switchyard.Proxy.Configuration;

/// <summary>The <c>regions:</c> section and how it must agree with the backends.</summary>
public static partial class ConfigLoader
{
    private static RegionsConfig ReadRegions(YamlSection section)
    {
        section.AllowOnly("local", "homes", "failback", "tie_tolerance");
        var homes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (section.Section("homes") is { } map)
        {
            foreach (var (key, value) in map.Node.Children)
            {
                if (key is YamlScalarNode { Value: { Length: > 0 } user } && value is YamlScalarNode { Value: { Length: > 0 } region })
                    homes[user] = region;
                else
                    map.Error(key, $"'{section.Qualify("homes")}' maps a user key to a region name, both plain values");
            }
        }
        var failback = section.String("failback") switch
        {
            null => RegionFailback.CaughtUp,
            "caught-up" => RegionFailback.CaughtUp,
            "immediate" => RegionFailback.Immediate,
            var other => Invalid(section, "failback", other, "caught-up or immediate", RegionFailback.CaughtUp),
        };
        return new RegionsConfig
        {
            Local = section.RequiredString("local"),
            Homes = homes,
            Failback = failback,
            TieTolerance = section.Duration("tie_tolerance", TimeSpan.FromMilliseconds(2), TimeSpan.Zero),
        };
    }

    /// <summary>Every backend names a region, each region has exactly one primary, and the local region and the
    /// explicit homes name regions that exist.</summary>
    private static void ValidateRegions(SwitchyardConfig config, List<ConfigError> errors)
    {
        if (config.Regions is not { } regions)
            return;
        if (config.Topology.Kind != TopologyKind.MultiPrimary)
            errors.Add(new ConfigError("regions need topology.kind: multi-primary (each region's primary is a writer)"));
        foreach (var backend in config.Backends.Where(b => b.Region is null))
            errors.Add(new ConfigError($"backend '{backend.Name}' has no region; with regions: every backend needs one"));
        var names = config.Backends.Where(b => b.Region is not null).Select(b => b.Region!).Distinct(StringComparer.Ordinal).ToList();
        foreach (var region in names)
        {
            var primaries = config.Backends.Count(b => b.Region == region && b.Role == BackendRole.Primary);
            if (primaries != 1)
                errors.Add(new ConfigError($"region '{region}' must have exactly one backend with role primary, found {primaries}"));
        }
        if (!names.Contains(regions.Local))
            errors.Add(new ConfigError($"regions.local '{regions.Local}' is not the region of any backend (regions: {string.Join(", ", names)})"));
        foreach (var (user, region) in regions.Homes.Where(h => !names.Contains(h.Value)))
            errors.Add(new ConfigError($"regions.homes sends '{user}' to '{region}', which is not the region of any backend"));
    }
}
