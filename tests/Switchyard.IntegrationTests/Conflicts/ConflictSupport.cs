using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Conflicts;

namespace Switchyard.IntegrationTests.Conflicts;

/// <summary>A two-writer pair for the conflict tests of one class (each test uses tables of its own).</summary>
public sealed class ConflictPairFixture : IAsyncLifetime
{
    private MultiPrimaryPair? _pair;

    internal MultiPrimaryPair Pair => _pair ?? throw new InvalidOperationException("pair not started");

    public async Task InitializeAsync() => _pair = await MultiPrimaryPair.StartAsync();

    public async Task DisposeAsync()
    {
        if (_pair is not null)
            await _pair.DisposeAsync();
    }
}

/// <summary>Diverging the writers for real, configurations with a conflicts: section, and reading each node directly.</summary>
internal static class ConflictSupport
{
    /// <summary>
    /// The same rows changed differently on both writers "at the same moment", made reliable: replication is stopped on
    /// both, each writer runs its own statement, replication starts again. Both after-images cross, and each node ends
    /// with the other's version — the silent divergence of the notes — with both replication threads running.
    /// </summary>
    public static async Task DivergeAsync(MultiPrimaryPair pair, string onWriter1, string onWriter2)
    {
        foreach (var writer in pair.Writers)
            await Sql.ExecuteAsync(writer.Root(), "STOP SLAVE");
        await Sql.ExecuteAsync(pair.Writers[0].Root(), onWriter1);
        await Sql.ExecuteAsync(pair.Writers[1].Root(), onWriter2);
        foreach (var writer in pair.Writers)
            await Sql.ExecuteAsync(writer.Root(), "START SLAVE");
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Runs <paramref name="sql"/> on writer 1 and waits until writer 2 has it.</summary>
    public static async Task SetUpAsync(MultiPrimaryPair pair, string sql)
    {
        await Sql.ExecuteAsync(pair.Writers[0].Root(), sql);
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A proxy configuration: writer1 as the primary and writer2 as a replica (the topology does not matter to
    /// the scanner, which compares conflicts.nodes), with the monitor off and <paramref name="conflicts"/> as the body of
    /// the rest of the conflicts: section, written at column 0.</summary>
    public static string Yaml(MultiPrimaryPair pair, string conflicts) => $"""
        {TestYaml.Header}
        monitor:
          enabled: false
        {TestYaml.AppUser}
        backends:
          - name: writer1
            address: 127.0.0.1:{pair.Writers[0].Port}
            role: primary
          - name: writer2
            address: 127.0.0.1:{pair.Writers[1].Port}
            role: replica
        conflicts:
          nodes: [writer1, writer2]
          scan_interval: off
        {string.Join("\n", conflicts.Split('\n').Select(line => "  " + line))}
        """;

    public static ConflictScanner Scanner(string yaml) =>
        new(ConfigLoader.LoadYaml(yaml, "test"), metrics: null, NullLogger.Instance, TimeProvider.System);

    /// <summary>Every row of <paramref name="table"/> on <paramref name="writer"/>, ordered by its first column.</summary>
    public static async Task<List<List<string>>> RowsAsync(PrivateMariaDb writer, string table)
    {
        await using var connection = new MySqlConnection(writer.Root());
        await connection.OpenAsync();
        return await Sql.RowsAsync(connection, $"SELECT * FROM {table} ORDER BY 1");
    }

    /// <summary>Where each writer's binlog stands: GTID position, file and offset. A repair must not move it.</summary>
    public static async Task<string> BinlogAsync(PrivateMariaDb writer)
    {
        await using var connection = new MySqlConnection(writer.Root());
        await connection.OpenAsync();
        var status = await Sql.RowsAsync(connection, "SHOW MASTER STATUS");
        return $"{await Sql.ScalarAsync(connection, "SELECT @@gtid_binlog_pos")} {status[0][0]}:{status[0][1]}";
    }
}
