namespace Switchyard.Routing.Balancing;

/// <summary>The names of the balancing policies, as written in configuration.</summary>
internal static class BalancingPolicyNames
{
    /// <summary>Each candidate in turn, ignoring weights other than drained (0).</summary>
    public const string RoundRobin = "round-robin";

    /// <summary>Candidates in proportion to their weights, interleaved.</summary>
    public const string Weighted = "weighted";

    /// <summary>The candidate with the fewest active leases; ties in turn.</summary>
    public const string LeastConnections = "least-connections";
}
