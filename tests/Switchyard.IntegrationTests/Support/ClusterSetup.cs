namespace Switchyard.IntegrationTests.Support;

/// <summary>
/// What scripts/cluster.sh gives each server and runs on it (server options, users, databases, replication), for the
/// backends that are not started by that script (the container path). The script stays the source for CI; a test
/// (ClusterSetupTests) renders the script's own SQL and options and fails when these drift from them.
/// </summary>
internal static class ClusterSetup
{
    /// <summary>The instances, by cluster.sh's names; the first is the primary.</summary>
    public static IReadOnlyList<string> Instances { get; } = ["primary", "replica1", "replica2"];

    /// <summary>cluster.sh's server_id_of: 1, 2, 3 in the order of <see cref="Instances"/>.</summary>
    public static int ServerId(string instance) => instance switch
    {
        "primary" => 1,
        "replica1" => 2,
        "replica2" => 3,
        _ => throw new ArgumentException($"no cluster instance '{instance}'", nameof(instance)),
    };

    /// <summary>APP_PRIVS in cluster.sh: explicit, because `GRANT ALL` in 10.11 would let the user write on a
    /// read_only replica.</summary>
    public const string AppPrivileges =
        "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE TEMPORARY TABLES, " +
        "LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, DELETE HISTORY";

    /// <summary>MONITOR_PRIVS in cluster.sh: what the proxy's monitor reads (slave status, binlog position, processlist).</summary>
    public const string MonitorPrivileges = "SLAVE MONITOR, BINLOG MONITOR, PROCESS";

    /// <summary>The server options of cluster.sh's start_instance that are about behaviour, not about where this
    /// instance keeps its files or listens (datadir, port, socket, pid and log files differ between the paths).</summary>
    public static IReadOnlyList<string> ServerOptions(int serverId, bool replica) =>
    [
        $"--server-id={serverId}", "--skip-name-resolve",
        "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=8M",
        "--innodb-flush-log-at-trx-commit=2", "--sync-binlog=0",
        "--log-bin=mysql-bin", "--log-slave-updates", "--binlog-format=ROW", "--gtid-strict-mode=1", "--relay-log=relay-bin",
        "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
        "--max-connections=1000", "--max-allowed-packet=256M", "--local-infile=1", "--performance-schema=OFF",
        "--log-bin-trust-function-creators=1",
        .. replica ? (string[])["--read-only=1"] : [],
    ];

    /// <summary>setup_repl_user, run on every instance: kept out of the binlog so that a replica can be promoted
    /// without GTID surprises.</summary>
    public static IReadOnlyList<string> ReplicationUserStatements { get; } =
    [
        "SET SESSION sql_log_bin = 0",
        "CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY 'repl'",
        "GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'",
    ];

    /// <summary>setup_primary: users and databases, created on the primary so that they replicate. Idempotent.</summary>
    public static IReadOnlyList<string> PrimaryStatements { get; } =
    [
        "CREATE DATABASE IF NOT EXISTS test",
        "CREATE DATABASE IF NOT EXISTS switchyard_heartbeat",
        "CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'app'",
        $"GRANT {AppPrivileges} ON *.* TO 'app'@'%'",
        "CREATE USER IF NOT EXISTS 'switchyard'@'%' IDENTIFIED BY 'switchyard'",
        $"GRANT {AppPrivileges}, {MonitorPrivileges} ON *.* TO 'switchyard'@'%'",
        "CREATE USER IF NOT EXISTS 'monitor'@'%' IDENTIFIED BY 'monitor'",
        $"GRANT {MonitorPrivileges} ON *.* TO 'monitor'@'%'",
        "GRANT SELECT, INSERT, UPDATE, CREATE ON switchyard_heartbeat.* TO 'monitor'@'%'",
    ];

    /// <summary>setup_replica when the replica does not yet replicate from <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static IReadOnlyList<string> PointReplicaStatements(string host, int port) =>
    [
        "STOP SLAVE",
        $"CHANGE MASTER TO MASTER_HOST='{host}', MASTER_PORT={port}, MASTER_USER='repl', " +
        "MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1",
    ];

    /// <summary>setup_replica's last step, always run: a no-op when replication already runs.</summary>
    public const string StartReplicaStatement = "START SLAVE";
}
