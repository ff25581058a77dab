using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Configuration;

namespace Switchyard.Proxy.Conflicts;

/// <summary>`switchyard --scan-conflicts --config FILE [--repair]`: one scan, the report on stdout, and an exit code
/// scripts can act on.</summary>
internal static class ConflictCli
{
    /// <summary>No diverged row is left unresolved and the scan compared everything.</summary>
    public const int Clean = 0;
    /// <summary>Diverged rows remain (detected and not repaired, or a repair did not verify).</summary>
    public const int ConflictsRemain = 3;
    /// <summary>The scan could not compare everything (a node unreachable or gone, a table not comparable, replication
    /// not settled): nothing can be said about what was not compared.</summary>
    public const int Incomplete = 4;

    /// <summary>The command: loads <paramref name="path"/> (1 and the errors on stderr when invalid), scans, prints.</summary>
    public static async Task<int> MainAsync(string path, bool repair)
    {
        SwitchyardConfig config;
        try
        {
            config = ConfigLoader.LoadFile(path);
        }
        catch (ConfigException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 1;
        }
        // The log goes to stdout too: errors only (an unexpected failure), the report already lists every row and reason.
        using var loggerFactory = Logging.LoggingSetup.Create(config.Logging with { Level = "error" });
        return await RunAsync(config, repair, Console.Out, loggerFactory, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>For --check-config: each conflicts table against the live schema of the nodes that answer (the table
    /// exists with the same columns, the key is a primary or unique key, timestamp and version columns have usable
    /// types). Nodes that do not answer are named and skipped. Returns the number of problems found.</summary>
    public static async Task<int> CheckSchemaAsync(SwitchyardConfig config, TextWriter output, CancellationToken cancellationToken)
    {
        if (config.Conflicts.Tables.Count == 0)
            return 0;
        await using var scanner = new ConflictScanner(config, metrics: null, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeProvider.System);
        var reachable = new List<ConflictNode>();
        var connections = new List<MySqlConnector.MySqlConnection>();
        try
        {
            foreach (var node in scanner.Nodes)
            {
                var builder = new MySqlConnector.MySqlConnectionStringBuilder(node.ConnectionString) { ConnectionTimeout = 2 };
                var connection = new MySqlConnector.MySqlConnection(builder.ConnectionString);
                try
                {
                    await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                    connections.Add(connection);
                    reachable.Add(node with { Index = reachable.Count });
                }
                catch (MySqlConnector.MySqlException e)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    await output.WriteLineAsync($"conflicts: node {node.Name} not reachable ({e.Message}); its schema was not checked").ConfigureAwait(false);
                }
            }
            if (reachable.Count == 0)
                return 0;
            var problems = 0;
            foreach (var table in config.Conflicts.Tables)
            {
                try
                {
                    await TableShape.ReadAsync(table, reachable, connections, cancellationToken).ConfigureAwait(false);
                    await output.WriteLineAsync($"conflicts: {table.Name} ok on {string.Join(", ", reachable.Select(n => n.Name))}").ConfigureAwait(false);
                }
                catch (TableCheckException e)
                {
                    problems++;
                    await output.WriteLineAsync($"conflicts: {e.Message}").ConfigureAwait(false);
                }
                catch (Exception e) when (e is NodeFailedException or MySqlConnector.MySqlException)
                {
                    await output.WriteLineAsync($"conflicts: {table.Name} not checked: {e.Message}").ConfigureAwait(false);
                }
            }
            return problems;
        }
        finally
        {
            foreach (var connection in connections)
                await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    public static async Task<int> RunAsync(SwitchyardConfig config, bool repair, TextWriter output, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (config.Conflicts.Tables.Count == 0)
        {
            await output.WriteLineAsync("switchyard: the configuration has no conflicts: section with tables to compare").ConfigureAwait(false);
            return 2;
        }
        await using var scanner = new ConflictScanner(config, metrics: null, loggerFactory.CreateLogger("Switchyard.Conflicts"), TimeProvider.System);
        var report = await scanner.ScanAsync(repair, "cli", cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(ConflictReportWriter.Text(report)).ConfigureAwait(false);
        return !report.Complete ? Incomplete : report.RemainingRows > 0 ? ConflictsRemain : Clean;
    }
}
