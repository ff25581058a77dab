using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Configuration;

namespace Switchyard.Proxy.Logging;

/// <summary>Every log line the proxy writes, with its event id in one place. Each carries a session or backend
/// id; SQL text only at Debug and truncated; passwords never.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Listening for MySQL clients on {Endpoint}")]
    public static partial void Listening(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Switchyard stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Accepting a client connection failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1023, Level = LogLevel.Error, Message = "A continuation on the proxy's socket loop failed; the loop keeps serving the other connections")]
    public static partial void SocketLoopContinuationFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Stopping: no new clients; {Sessions} sessions may finish their statements and transactions for up to {DrainSeconds} s (signal again to stop at once)")]
    public static partial void Draining(ILogger logger, int sessions, double drainSeconds);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Every session finished in {ElapsedMilliseconds} ms")]
    public static partial void Drained(ILogger logger, long elapsedMilliseconds);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Session {SessionId}: statement ran past the timeout of rule '{Rule}' on {Backend} (thread {ConnectionId}): KILL QUERY sent")]
    public static partial void StatementTimedOut(ILogger logger, uint sessionId, string rule, string backend, uint connectionId);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "Session {SessionId}: KILL QUERY on {Backend} failed: {Reason}")]
    public static partial void StatementKillFailed(ILogger logger, uint sessionId, string backend, string reason);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Information, Message = "Session {SessionId}: statement blocked by rule '{Rule}'")]
    public static partial void StatementBlocked(ILogger logger, uint sessionId, string rule);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Closing {Sessions} sessions that were still busy ({Why})")]
    public static partial void DrainCut(ILogger logger, int sessions, string why);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Session {SessionId} opened from {ClientAddress}")]
    public static partial void SessionOpened(ILogger logger, uint sessionId, string clientAddress);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Session {SessionId} authenticated as {User} from {ClientAddress} (schema {Schema})")]
    public static partial void SessionAuthenticated(ILogger logger, uint sessionId, string user, string clientAddress, string? schema);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Session {SessionId} closed: {ClientAddress} user {User} after {DurationMs} ms, {Commands} commands, reason: {Reason}")]
    public static partial void SessionClosed(ILogger logger, uint sessionId, string clientAddress, string? user, long durationMs, long commands, string reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Session {SessionId} from {ClientAddress}: access denied for user {User} ({Reason})")]
    public static partial void AccessDenied(ILogger logger, uint sessionId, string clientAddress, string user, string reason);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Session {SessionId} from {ClientAddress}: protocol error: {Problem}")]
    public static partial void ProtocolError(ILogger logger, uint sessionId, string clientAddress, string problem);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Debug, Message = "Session {SessionId} {Command}: {Sql}")]
    public static partial void Statement(ILogger logger, uint sessionId, string command, string sql);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Error, Message = "Session {SessionId} failed unexpectedly")]
    public static partial void SessionFailed(ILogger logger, uint sessionId, Exception exception);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "Session {SessionId} changed user to {User} (schema {Schema})")]
    public static partial void UserChanged(ILogger logger, uint sessionId, string user, string? schema);

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Backend {Backend} ({Address}): connection {ConnectionId} opened in {ElapsedMs} ms, server {ServerVersion}")]
    public static partial void BackendConnected(ILogger logger, string backend, string address, uint connectionId, long elapsedMs, string serverVersion);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Backend {Backend} ({Address}): connect failed: {Reason}")]
    public static partial void BackendConnectFailed(ILogger logger, string backend, string address, string reason);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Backend {Backend}: connection {ConnectionId} lost during a command of session {SessionId}: {Reason}")]
    public static partial void BackendLost(ILogger logger, string backend, uint connectionId, uint sessionId, string reason);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Backend {Backend}: pipelined lane opened on connection {ConnectionId} (schema {Schema})")]
    public static partial void LaneOpened(ILogger logger, string backend, uint connectionId, string? schema);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Backend {Backend}: pipelined lane on connection {ConnectionId} closed: {Reason}")]
    public static partial void LaneClosed(ILogger logger, string backend, uint connectionId, string reason);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Backend {Backend}: a pipelined lane could not be opened: {Reason}")]
    public static partial void LaneOpenFailed(ILogger logger, string backend, string reason);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Debug, Message = "Backend {Backend}: connection {ConnectionId} closed ({Reason})")]
    public static partial void BackendClosed(ILogger logger, string backend, uint connectionId, string reason);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Backend {Backend}: pool wait timed out after {WaitMs} ms ({InUse} connections in use)")]
    public static partial void PoolExhausted(ILogger logger, string backend, long waitMs, int inUse);

    [LoggerMessage(EventId = 1300, Level = LogLevel.Debug, Message = "Session {SessionId}: pins on {Backend} connection {ConnectionId}: {Pins}")]
    public static partial void PinsChanged(ILogger logger, uint sessionId, string backend, uint connectionId, string pins);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Session {SessionId}: replica {Backend} skipped: {Reason}")]
    public static partial void ReplicaSkipped(ILogger logger, uint sessionId, string backend, string reason);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Session {SessionId}: {Problem}")]
    public static partial void SessionStateFailed(ILogger logger, uint sessionId, string problem);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Debug, Message = "Session {SessionId}: statement #{StatementId} prepared on {Backend} connection {ConnectionId} as #{BackendStatementId}")]
    public static partial void StatementPreparedOnBackend(ILogger logger, uint sessionId, uint statementId, string backend, uint connectionId, uint backendStatementId);

    [LoggerMessage(EventId = 1310, Level = LogLevel.Warning, Message = "No replica can serve reads (of {Replicas} configured): reads go to the primary")]
    public static partial void ReadsFallBackToPrimary(ILogger logger, int replicas);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Information, Message = "Replicas serve reads again")]
    public static partial void ReadsBackOnReplicas(ILogger logger);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Warning, Message = "Session {SessionId}: replica {Backend} failed before answering ({Reason}); the statement is sent again elsewhere")]
    public static partial void ReadRetried(ILogger logger, uint sessionId, string backend, string reason);

    [LoggerMessage(EventId = 1313, Level = LogLevel.Warning, Message = "Session {SessionId}: the pipelined lane on primary {Backend} failed before answering ({Reason}); the read is sent again on a connection of its own")]
    public static partial void PrimaryLaneLost(ILogger logger, uint sessionId, string backend, string reason);

    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "Serving metrics and status over HTTP on {Endpoint}")]
    public static partial void HttpListening(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "An HTTP status request failed")]
    public static partial void HttpRequestFailed(ILogger logger, Exception exception);

    // Configuration reload: 1800-1849. Error texts name keys and positions, never values, so no secret is logged.
    [LoggerMessage(EventId = 1800, Level = LogLevel.Information, Message = "Configuration {Path} reloaded ({Trigger}): {Users} users, {Rules} rules, in force from the next statement")]
    public static partial void ConfigReloaded(ILogger logger, string path, ReloadTrigger trigger, int users, int rules);

    [LoggerMessage(EventId = 1801, Level = LogLevel.Error, Message = "Configuration {Path} ({Trigger}) rejected with {ErrorCount} error(s); the running configuration is kept")]
    public static partial void ConfigReloadRejected(ILogger logger, string path, ReloadTrigger trigger, int errorCount);

    [LoggerMessage(EventId = 1802, Level = LogLevel.Error, Message = "Configuration {Path}: {Error}")]
    public static partial void ConfigError(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 1803, Level = LogLevel.Warning, Message = "Configuration {Path}: the change to '{Section}' takes effect only after a restart")]
    public static partial void ConfigNeedsRestart(ILogger logger, string path, string section);

    [LoggerMessage(EventId = 1804, Level = LogLevel.Information, Message = "Watching {Path} for changes (debounce {DebounceMs} ms); SIGHUP reloads it too")]
    public static partial void ConfigWatching(ILogger logger, string path, double debounceMs);

    [LoggerMessage(EventId = 1805, Level = LogLevel.Warning, Message = "Watching {Path} lost events ({Reason}); the file is checked now, and SIGHUP still reloads it")]
    public static partial void ConfigWatcherFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1806, Level = LogLevel.Debug, Message = "Configuration {Path}: a file event, but the content is unchanged")]
    public static partial void ConfigUnchanged(ILogger logger, string path);

    [LoggerMessage(EventId = 1807, Level = LogLevel.Error, Message = "Configuration {Path}: applying the reloaded configuration failed in one of its users")]
    public static partial void ConfigSubscriberFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 1808, Level = LogLevel.Error, Message = "Configuration {Path}: the reload failed unexpectedly; the running configuration is kept")]
    public static partial void ConfigReloadCrashed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 1850, Level = LogLevel.Information, Message = "Backend {Backend} ({Address}) added by a reload: in rotation {When}")]
    public static partial void BackendAdded(ILogger logger, string backend, string address, string when);

    [LoggerMessage(EventId = 1851, Level = LogLevel.Information, Message = "Backend {Backend} ({Address}) removed by a reload: no new statements; draining {Leased} connection(s) in use")]
    public static partial void BackendRemoved(ILogger logger, string backend, string address, int leased);

    [LoggerMessage(EventId = 1852, Level = LogLevel.Information, Message = "Backend {Backend} ({Address}) drained in {ElapsedMs} ms: its pool is closed")]
    public static partial void BackendDrained(ILogger logger, string backend, string address, long elapsedMs);

    [LoggerMessage(EventId = 1853, Level = LogLevel.Error, Message = "Backend {Backend} ({Address}): draining after its removal failed")]
    public static partial void BackendDrainFailed(ILogger logger, string backend, string address, Exception exception);
    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Health monitor started: {Backends} backends every {IntervalMs} ms, check timeout {TimeoutMs} ms, as user {User}, heartbeat {Heartbeat}")]
    public static partial void MonitorStarted(ILogger logger, int backends, long intervalMs, long timeoutMs, string user, bool heartbeat);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Backend {Backend} ({Address}): online (was {From}), lag {LagSeconds} s, round trip {RoundTripMs} ms")]
    public static partial void BackendHealthy(ILogger logger, string backend, string address, string from, double? lagSeconds, double? roundTripMs);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Backend {Backend} ({Address}): {State} (was {From}): {Reason}")]
    public static partial void BackendUnhealthy(ILogger logger, string backend, string address, string from, string state, string reason);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Debug, Message = "Backend {Backend} ({Address}): monitor check failed")]
    public static partial void MonitorCheckFailed(ILogger logger, string backend, string address, Exception exception);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "Backend {Backend}: heartbeat update of {Table} failing: {Reason}")]
    public static partial void HeartbeatFailed(ILogger logger, string backend, string table, string reason);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Information, Message = "Backend {Backend}: heartbeat update of {Table} works again")]
    public static partial void HeartbeatRecovered(ILogger logger, string backend, string table);

    // 1600-1649: shunning by live traffic and @@read_only.
    [LoggerMessage(EventId = 1600, Level = LogLevel.Warning, Message = "Backend {Backend} ({Address}): shunned (was {From}): {Reason}; back after {Successes} healthy monitor checks")]
    public static partial void BackendShunned(ILogger logger, string backend, string address, string from, string reason, int successes);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "Backend {Backend} ({Address}): {Warning}")]
    public static partial void BackendWarning(ILogger logger, string backend, string address, string warning);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Information, Message = "Backend {Backend} ({Address}): no longer warned about ({Warning})")]
    public static partial void BackendWarningCleared(ILogger logger, string backend, string address, string warning);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Warning, Message = "Backend {Backend} ({Address}): does not answer ({Reason}); aborted its {Count} connections in use so that their sessions do not wait on it")]
    public static partial void HungBackendConnectionsAborted(ILogger logger, string backend, string address, string reason, int count);
}
