namespace Switchyard.Routing.Regions;

/// <summary>What the proxy knows of one region when it chooses where to send a statement.</summary>
/// <param name="Name">The region's name, as the backends' <c>region:</c> give it.</param>
/// <param name="Healthy">Some backend of the region can serve the statement in question (its primary for a
/// write, any healthy node for a read).</param>
/// <param name="RoundTrip">The round trip the monitor measured to the region's backends; null before the first
/// measurement (such a region ranks after every measured one).</param>
/// <param name="IsLocal">The proxy runs in this region: preferred when round trips tie.</param>
public readonly record struct RegionCandidate(string Name, bool Healthy, TimeSpan? RoundTrip, bool IsLocal);
