namespace Switchyard.Routing.Balancing;

/// <summary>Creates balancing policies by configuration name; names are matched ignoring case.</summary>
internal static class BalancingPolicies
{
    /// <summary>True when <paramref name="name"/> names a policy; configuration validation rejects others.</summary>
    public static bool IsKnown(string? name) =>
        string.Equals(name, BalancingPolicyNames.RoundRobin, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, BalancingPolicyNames.Weighted, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, BalancingPolicyNames.LeastConnections, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Creates a new policy instance with its own turn counter (one per backend group, so groups do not
    /// disturb each other's rotation).
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown; validate with <see cref="IsKnown"/> first.</exception>
    public static IBalancingPolicy Create(string name)
    {
        if (string.Equals(name, BalancingPolicyNames.RoundRobin, StringComparison.OrdinalIgnoreCase))
        {
            return new RoundRobinPolicy();
        }

        if (string.Equals(name, BalancingPolicyNames.Weighted, StringComparison.OrdinalIgnoreCase))
        {
            return new WeightedPolicy();
        }

        if (string.Equals(name, BalancingPolicyNames.LeastConnections, StringComparison.OrdinalIgnoreCase))
        {
            return new LeastConnectionsPolicy();
        }

        throw new ArgumentException($"Unknown balancing policy '{name}'.", nameof(name));
    }
}
