namespace Switchyard.Proxy.Monitoring;

/// <summary>The primary's binlog write position (SHOW MASTER STATUS) at its last check: what a replica's
/// executed position is compared with for lag in bytes.</summary>
internal sealed record PrimaryBinlog(string File, long Position);
