namespace Switchyard.Routing.Balancing;

/// <summary>What a balancing policy knows about one eligible backend (already healthy and within lag).</summary>
/// <param name="Weight">The configured share of traffic. Zero or less means drained: never chosen while any
/// candidate has a positive weight; when all are drained they are treated as equal.</param>
/// <param name="ActiveLeases">Connections or statements currently leased to the backend.</param>
internal readonly record struct BalancingCandidate(int Weight, int ActiveLeases);
