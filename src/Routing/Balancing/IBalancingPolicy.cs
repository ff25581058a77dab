namespace Switchyard.Routing.Balancing;

/// <summary>
/// Chooses one backend among candidates. Implementations are thread-safe and allocation-free: one instance
/// serves every session of a backend group concurrently.
/// </summary>
internal interface IBalancingPolicy
{
    /// <summary>The configuration name, one of <see cref="BalancingPolicyNames"/>.</summary>
    string Name { get; }

    /// <summary>Returns the index of the chosen candidate, or -1 when <paramref name="candidates"/> is empty.</summary>
    int Choose(ReadOnlySpan<BalancingCandidate> candidates);
}
