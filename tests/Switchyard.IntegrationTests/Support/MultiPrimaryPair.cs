using MySqlConnector;

namespace Switchyard.IntegrationTests.Support;

/// <summary>
/// Two private writers replicating each other (master-master, circular) as the notes describe: each its own
/// server id and GTID domain, auto-increment offsets 1 and 2, log-slave-updates and GTID strict mode; users made
/// with sql_log_bin=0 on both. Kill and restart one with <see cref="PrivateMariaDb.KillAsync"/> and
/// <see cref="PrivateMariaDb.RestartAsync"/>: replication resumes by itself (MASTER_CONNECT_RETRY=1).
/// </summary>
internal sealed class MultiPrimaryPair : IAsyncDisposable
{
    private MultiPrimaryPair(PrivateMariaDb first, PrivateMariaDb second) => Writers = [first, second];

    /// <summary>The writers in failover order: writer 1 (domain 1, server id 11), writer 2 (domain 2, server id 12).</summary>
    public IReadOnlyList<PrivateMariaDb> Writers { get; }

    public static async Task<MultiPrimaryPair> StartAsync()
    {
        var first = await PrivateMariaDb.StartAsync(11, WriterArguments(1));
        PrivateMariaDb? second = null;
        try
        {
            second = await PrivateMariaDb.StartAsync(12, WriterArguments(2));
            var pair = new MultiPrimaryPair(first, second);
            foreach (var writer in pair.Writers)
                await Sql.ExecuteAsync(writer.Root(), Users);
            await ReplicateAsync(first, second.Port);
            await ReplicateAsync(second, first.Port);
            await pair.WaitConvergedAsync(TimeSpan.FromSeconds(30));
            return pair;
        }
        catch
        {
            if (second is not null)
                await second.DisposeAsync();
            await first.DisposeAsync();
            throw;
        }
    }

    private static string[] WriterArguments(int index) =>
    [
        "--log-bin=mysql-bin", "--log-slave-updates", "--binlog-format=ROW", "--gtid-strict-mode=1", "--relay-log=relay-bin",
        $"--gtid-domain-id={index}", "--auto-increment-increment=2", $"--auto-increment-offset={index}",
        "--innodb-flush-log-at-trx-commit=2", "--sync-binlog=0", "--log-bin-trust-function-creators=1",
    ];

    // The same privileges as scripts/cluster.sh gives app: no SUPER, so a read_only node stops it.
    internal const string Users = """
        SET SESSION sql_log_bin = 0;
        CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY 'repl';
        GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%';
        CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'app';
        GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE,
          CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, TRIGGER ON *.* TO 'app'@'%';
        CREATE USER IF NOT EXISTS 'monitor'@'%' IDENTIFIED BY 'monitor';
        GRANT SLAVE MONITOR, BINLOG MONITOR, PROCESS ON *.* TO 'monitor'@'%';
        CREATE DATABASE IF NOT EXISTS test;
        """;

    private static Task ReplicateAsync(PrivateMariaDb replica, int sourcePort) => Sql.ExecuteAsync(replica.Root(), $"""
        CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={sourcePort}, MASTER_USER='repl', MASTER_PASSWORD='repl',
          MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
        START SLAVE;
        """);

    /// <summary>Waits until each writer has applied everything the other has binlogged (both threads running).</summary>
    public async Task WaitConvergedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var converged = true;
            foreach (var writer in Writers)
            {
                var other = Writers.Single(w => w != writer);
                var target = (string?)await Sql.ScalarAsync(other.Root(), "SELECT @@gtid_binlog_pos") ?? "";
                if (target.Length > 0 && Convert.ToInt64(await Sql.ScalarAsync(writer.Root(), $"SELECT MASTER_GTID_WAIT('{target}', 0.2)")) != 0)
                    converged = false;
            }
            if (converged)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the writers did not converge within {timeout}");
        }
    }

    /// <summary>A proxy config for this pair (writer1 first, then writer2) with the monitor on; <paramref name="extra"/>
    /// is appended as more top-level YAML (a rules: or conflicts: section).</summary>
    public string ProxyYaml(string topology = "kind: multi-primary", string monitorInterval = "200ms", string extra = "") => $"""
        {TestYaml.Header}
        topology:
        {Indent(topology)}
        {TestYaml.Monitor(monitorInterval)}
        {TestYaml.AppUser}
        backends:
          - name: writer1
            address: 127.0.0.1:{Writers[0].Port}
            role: primary
          - name: writer2
            address: 127.0.0.1:{Writers[1].Port}
            role: primary
        {extra}
        """;

    private static string Indent(string block) => string.Join("\n", block.Split('\n').Select(line => "  " + line.TrimStart()));

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in Writers)
            await writer.DisposeAsync();
    }
}
