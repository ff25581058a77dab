namespace Switchyard.Routing.Topology;

/// <summary>One writer as the election sees it.</summary>
/// <param name="Name">The backend's name.</param>
/// <param name="Healthy">Whether it can take writes now (online, read_only OFF, no failed connect just now).</param>
/// <param name="Reason">Why it cannot take writes (empty when healthy): named in the error a client gets when no
/// writer can.</param>
/// <param name="HealthySince">Since when it has been healthy without a break (null when it is not).</param>
internal readonly record struct WriterCandidate(string Name, bool Healthy, string Reason, DateTimeOffset? HealthySince);
