namespace Switchyard.Routing.Consistency;

/// <summary>What is known of a reader's last write: when it was committed and, when the primary reported it, the
/// GTID(s) it produced (null in time mode, or when the GTID could not be learned).</summary>
/// <param name="Timestamp">A <see cref="TimeProvider.GetTimestamp"/> value of the proxy's clock.</param>
internal readonly record struct WriteMark(long Timestamp, GtidSet? Gtid);
