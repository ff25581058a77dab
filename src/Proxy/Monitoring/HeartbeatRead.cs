namespace Switchyard.Proxy.Monitoring;

/// <summary>What a replica's check needs to read the heartbeat: the table, and the primary's time of the writer's
/// first beat (the oldest row age that is this run's own).</summary>
internal sealed record HeartbeatRead(string Table, DateTime Since);
