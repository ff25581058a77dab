namespace Switchyard.Proxy.Monitoring;

/// <summary>The monitor's query for a backend's read_only flag and GTID position, by server family: the position is
/// what a read-your-writes read compares its write's GTID with, so it must be in the flavor the primary reports.</summary>
internal static class PositionQuery
{
    /// <summary>MariaDB: a replica's applied position (@@gtid_slave_pos), the primary's binlogged one
    /// (@@gtid_binlog_pos). MySQL: @@global.gtid_executed on both, which is every transaction the server has committed
    /// (a replica's applied ones included) — the set WAIT_FOR_EXECUTED_GTID_SET waits on.</summary>
    public static string For(bool isReplica, bool isMariaDb) =>
        !isMariaDb ? "SELECT @@read_only, @@global.gtid_executed"
        : isReplica ? "SELECT @@read_only, @@gtid_slave_pos"
        : "SELECT @@read_only, @@gtid_binlog_pos";
}
