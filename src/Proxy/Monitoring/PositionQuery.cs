namespace Switchyard.Proxy.Monitoring;

/// <summary>The monitor's query for a backend's read_only flag and GTID position, by server family: the position is
/// what a read-your-writes read compares its write's GTID with, so it must be in the flavor the primary reports.</summary>
internal static class PositionQuery
{
    /// <summary>MariaDB: a replica's applied position (@@gtid_slave_pos), the primary's binlogged one
    /// (@@gtid_binlog_pos). MySQL: @@global.gtid_executed on both, which is every transaction the server has committed
    /// (a replica's applied ones included) — the set WAIT_FOR_EXECUTED_GTID_SET waits on.</summary>
    /// <param name="isReplica">Whether the backend is configured as a replica.</param>
    /// <param name="isMariaDb">The server family.</param>
    /// <param name="withWsrep">MariaDB only: also read @@global.wsrep_on and @@wsrep_node_name (columns 3 and 4), so
    /// that a Galera node is recognised at no extra round trip.</param>
    public static string For(bool isReplica, bool isMariaDb, bool withWsrep = false) =>
        !isMariaDb ? "SELECT @@read_only, @@global.gtid_executed"
        : (isReplica ? "SELECT @@read_only, @@gtid_slave_pos" : "SELECT @@read_only, @@gtid_binlog_pos")
          + (withWsrep ? WsrepColumns : "");

    private const string WsrepColumns = ", @@global.wsrep_on, @@wsrep_node_name";

    /// <summary>One round trip for a Galera node's state (<see cref="Switchyard.Routing.Health.WsrepStatus.Variables"/>).</summary>
    public static string WsrepStatus { get; } =
        $"SHOW GLOBAL STATUS WHERE Variable_name IN ({string.Join(", ", Switchyard.Routing.Health.WsrepStatus.Variables.Select(v => $"'{v}'"))})";
}
