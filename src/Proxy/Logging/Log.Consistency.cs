using Microsoft.Extensions.Logging;

namespace Switchyard.Proxy.Logging;

/// <summary>Read consistency (event ids 1700-1799), kept in their own part of <see cref="Log"/> so that the
/// concern reads as one block.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1700, Level = LogLevel.Warning, Message = "Backend {Backend} connection {ConnectionId}: last_gtid session tracking refused ({Reason}); writes on it learn their GTID with SELECT @@last_gtid")]
    public static partial void GtidTrackingRefused(ILogger logger, string backend, uint connectionId, string reason);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Debug, Message = "Session {SessionId}: consistency tag ignored, the default applies: {Problem}")]
    public static partial void TagIgnored(ILogger logger, uint sessionId, string problem);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Debug, Message = "Session {SessionId}: {Variable} set to '{Value}'")]
    public static partial void ProxyVariableSet(ILogger logger, uint sessionId, string variable, string value);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Debug, Message = "Session {SessionId}: write committed on {Backend}, GTID {Gtid}")]
    public static partial void WriteRecorded(ILogger logger, uint sessionId, string backend, string gtid);

    [LoggerMessage(EventId = 1704, Level = LogLevel.Debug, Message = "Session {SessionId}: waited {WaitMs} ms on {Backend} for GTID {Gtid}: {Result}")]
    public static partial void GtidWaited(ILogger logger, uint sessionId, string backend, string gtid, double waitMs, string result);

    [LoggerMessage(EventId = 1705, Level = LogLevel.Warning, Message = "Session {SessionId}: the GTID of a write on {Backend} could not be learned ({Reason}); reads fall back to the time window")]
    public static partial void GtidUnknown(ILogger logger, uint sessionId, string backend, string reason);
}
