using Microsoft.Extensions.Logging;

namespace Switchyard.Proxy.Logging;

/// <summary>Galera (event ids 1950-1969), kept in their own part of <see cref="Log"/> so that the concern reads as
/// one block.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1950, Level = LogLevel.Information, Message = "Backend {Backend} ({Address}) Galera node {NodeName}: {From} -> {State} (cluster {ClusterStatus}, ready {Ready}, size {ClusterSize})")]
    public static partial void WsrepStateChanged(ILogger logger, string backend, string address, string from, string state, string clusterStatus, bool ready, int clusterSize, string nodeName);

    [LoggerMessage(EventId = 1951, Level = LogLevel.Warning, Message = "Backend {Backend} ({Address}) is not a Galera node (wsrep_on is OFF) but topology.kind is galera: kept out of rotation")]
    public static partial void NotAGaleraNode(ILogger logger, string backend, string address);
}
