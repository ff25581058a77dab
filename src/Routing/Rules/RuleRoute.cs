namespace Switchyard.Routing.Rules;

/// <summary>The routing part of a rule's action: a kind and, for <see cref="RuleRouteKind.Group"/>, the group's name.</summary>
internal readonly record struct RuleRoute(RuleRouteKind Kind, string? Group = null)
{
    public static RuleRoute Default => default;
    public static RuleRoute Primary => new(RuleRouteKind.Primary);
    public static RuleRoute Replica => new(RuleRouteKind.Replica);
    public static RuleRoute ToGroup(string group) => new(RuleRouteKind.Group, group);

    /// <summary>The spelling used in the configuration: primary, replica or the group name.</summary>
    public override string ToString() => Kind switch
    {
        RuleRouteKind.Primary => "primary",
        RuleRouteKind.Replica => "replica",
        RuleRouteKind.Group => Group ?? "",
        _ => "default",
    };
}
