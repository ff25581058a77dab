using Microsoft.Extensions.Logging;

namespace Switchyard.Proxy.Logging;

/// <summary>Multi-primary conflict detection and resolution (event ids 1920-1949).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1920, Level = LogLevel.Warning, Message = "Conflict in {Table} key {Key}: the nodes hold different versions ({Versions}); resolution: {Resolution}")]
    public static partial void ConflictDetected(ILogger logger, string table, string key, string versions, string resolution);

    [LoggerMessage(EventId = 1921, Level = LogLevel.Information, Message = "Conflict scan ({Trigger}) finished: {Tables} table(s), {Rows} rows compared, {Diverged} diverged, {Remaining} left unresolved, in {ElapsedMs:0} ms")]
    public static partial void ConflictScanFinished(ILogger logger, string trigger, int tables, long rows, int diverged, int remaining, double elapsedMs);

    [LoggerMessage(EventId = 1922, Level = LogLevel.Warning, Message = "Conflict scan ({Trigger}) INCOMPLETE: {Reasons}; {Diverged} diverged row(s) found in what was compared")]
    public static partial void ConflictScanIncomplete(ILogger logger, string trigger, string reasons, int diverged);

    [LoggerMessage(EventId = 1923, Level = LogLevel.Error, Message = "Conflict scan: table {Table} cannot be compared: {Problem}")]
    public static partial void ConflictTableUnusable(ILogger logger, string table, string problem);

    [LoggerMessage(EventId = 1924, Level = LogLevel.Information, Message = "Conflict in {Table} key {Key} repaired on [{Nodes}] ({State}): {Resolution}")]
    public static partial void RowRepaired(ILogger logger, string table, string key, string nodes, string state, string resolution);

    [LoggerMessage(EventId = 1925, Level = LogLevel.Warning, Message = "Conflict in {Table} key {Key}: repair skipped on {Node}: {Why}")]
    public static partial void RepairSkipped(ILogger logger, string table, string key, string node, string why);

    [LoggerMessage(EventId = 1926, Level = LogLevel.Error, Message = "Conflict in {Table} key {Key}: repair failed: {Error}")]
    public static partial void RepairFailed(ILogger logger, string table, string key, string error);

    [LoggerMessage(EventId = 1927, Level = LogLevel.Error, Message = "Conflict scan failed unexpectedly")]
    public static partial void ConflictScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1928, Level = LogLevel.Information, Message = "Conflict scans every {IntervalSeconds} s over {Tables} table(s) on nodes {Nodes}")]
    public static partial void ConflictScansScheduled(ILogger logger, double intervalSeconds, int tables, string nodes);
}
