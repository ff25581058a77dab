namespace Switchyard.Proxy.Conflicts;

/// <summary>A node refused part of a repair (for example SET sql_log_bin=0 without SUPER or BINLOG ADMIN).</summary>
internal sealed class RepairRefusedException(string message, Exception inner) : Exception(message, inner);
