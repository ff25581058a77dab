using Microsoft.Extensions.Logging;

namespace Switchyard.Proxy.Logging;

/// <summary>Writers of a multi-primary or Galera topology: election, failover, failback, switchover (event ids
/// 1900-1919).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1900, Level = LogLevel.Warning, Message = "Active writer changed from {From} to {To} ({Reason}){Why}")]
    private static partial void ActiveWriterChangedCore(ILogger logger, string from, string to, string reason, string why);

    public static void ActiveWriterChanged(ILogger logger, string from, string to, string reason, string why) =>
        ActiveWriterChangedCore(logger, from, to, reason, why.Length > 0 ? $": {from} {why}" : "");

    [LoggerMessage(EventId = 1901, Level = LogLevel.Information, Message = "Active writer is {Writer} (the first healthy of {Count} writers)")]
    public static partial void ActiveWriterElected(ILogger logger, string writer, int count);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Warning, Message = "Session {SessionId}: writer {Writer} failed before the statement was sent ({Reason}); the statement goes to a new connection or the next writer")]
    public static partial void WriteRetriedOnNextWriter(ILogger logger, uint sessionId, string writer, string reason);

    [LoggerMessage(EventId = 1903, Level = LogLevel.Warning, Message = "Session {SessionId}: writer {Writer} was lost after the statement was sent ({Reason}); its outcome is unknown and it is not retried")]
    public static partial void WriteOutcomeUnknown(ILogger logger, uint sessionId, string writer, string reason);

    [LoggerMessage(EventId = 1904, Level = LogLevel.Warning, Message = "Operator switched writes to {Writer} (was {From})")]
    public static partial void WriterSwitchRequested(ILogger logger, string writer, string from);

    [LoggerMessage(EventId = 1905, Level = LogLevel.Warning, Message = "Switch of writes to {Writer} refused: {Reason}")]
    public static partial void WriterSwitchRefused(ILogger logger, string writer, string reason);
}
