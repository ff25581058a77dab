namespace Switchyard.Proxy.Configuration;

/// <summary>The <c>topology:</c> section.</summary>
public static partial class ConfigLoader
{
    private static TopologyConfig ReadTopology(YamlSection section, TopologyConfig defaults)
    {
        section.AllowOnly("kind", "write_policy", "failback", "failback_after");
        var kind = section.String("kind") switch
        {
            null => defaults.Kind,
            "primary-replica" => TopologyKind.PrimaryReplica,
            "multi-primary" => TopologyKind.MultiPrimary,
            "galera" => TopologyKind.Galera,
            var other => Invalid(section, "kind", other, "primary-replica, multi-primary or galera", defaults.Kind),
        };
        var policy = section.String("write_policy") switch
        {
            null => defaults.WritePolicy,
            "single-active" => WritePolicy.SingleActive,
            "spread" => WritePolicy.Spread,
            var other => Invalid(section, "write_policy", other, "single-active or spread", defaults.WritePolicy),
        };
        var failback = section.String("failback") switch
        {
            null => defaults.Failback,
            "automatic" => FailbackMode.Automatic,
            "manual" => FailbackMode.Manual,
            var other => Invalid(section, "failback", other, "automatic or manual", defaults.Failback),
        };
        if (kind == TopologyKind.PrimaryReplica && policy == WritePolicy.Spread)
            section.Error(section.Get("write_policy")!, $"'{section.Qualify("write_policy")}: spread' needs kind multi-primary or galera (a primary-replica topology has one writer)");
        return new TopologyConfig
        {
            Kind = kind,
            WritePolicy = policy,
            Failback = failback,
            FailbackAfter = section.Duration("failback_after", defaults.FailbackAfter, TimeSpan.Zero),
        };
    }

    private static T Invalid<T>(YamlSection section, string key, string value, string allowed, T fallback)
    {
        section.Error(section.Get(key)!, $"'{section.Qualify(key)}' must be {allowed}, not '{value}'");
        return fallback;
    }
}
