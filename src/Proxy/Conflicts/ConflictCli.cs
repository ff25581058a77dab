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
