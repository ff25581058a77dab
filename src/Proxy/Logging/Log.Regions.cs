using Microsoft.Extensions.Logging;

namespace Switchyard.Proxy.Logging;

/// <summary>Multi-region routing and statement mirroring (event ids 1970-1989).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1970, Level = LogLevel.Warning, Message = "Region {Home}: writes of its users move from region {From} to region {To} ({Reason})")]
    public static partial void RegionWritesMoved(ILogger logger, string home, string from, string to, string reason);

    [LoggerMessage(EventId = 1971, Level = LogLevel.Error, Message = "Region {Home}: no region's primary can take its users' writes: {Why}")]
    public static partial void RegionWritesNowhere(ILogger logger, string home, string why);

    [LoggerMessage(EventId = 1972, Level = LogLevel.Information, Message = "Regions: this proxy runs in {Local}; regions {Regions}")]
    public static partial void RegionsConfigured(ILogger logger, string local, string regions);

    [LoggerMessage(EventId = 1980, Level = LogLevel.Debug, Message = "Mirror group {Group}: backend {Backend} refused the copy: {Error}")]
    public static partial void MirrorRefused(ILogger logger, string group, string backend, string error);

    [LoggerMessage(EventId = 1981, Level = LogLevel.Warning, Message = "Mirror group {Group}: the copy was not run: {Reason}")]
    public static partial void MirrorFailed(ILogger logger, string group, string reason);
}
