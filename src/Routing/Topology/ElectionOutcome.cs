namespace Switchyard.Routing.Topology;

/// <summary>What an election decided.</summary>
/// <param name="Active">The writer writes go to (null: no writer is healthy).</param>
/// <param name="Change">How that differs from before.</param>
/// <param name="Override">The operator's choice still in force (null: none, or it was dropped because that writer
/// became unhealthy; normal election rules apply again).</param>
/// <param name="FailbackDue">With automatic failback: when an earlier, now healthy writer will take writes back if it
/// stays healthy (null: none is pending).</param>
internal sealed record ElectionOutcome(string? Active, WriterChange Change, string? Override, DateTimeOffset? FailbackDue);
