using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Logging;
using Switchyard.Routing.Health;

namespace Switchyard.Proxy.Monitoring;

/// <summary>The check loop of one backend: its own connection, its own timeout, its own cadence, so a hung
/// backend never delays the checks of the others. Publishes every conclusion to <see cref="BackendEndpoint.Health"/>
/// and logs each change of state once. Connection errors that client traffic reports on the backend go to the same
/// evaluator (see <see cref="TrafficError"/>), which may shun it.</summary>
internal sealed class BackendMonitor : IAsyncDisposable
{
    private readonly BackendEndpoint _endpoint;
    private readonly HealthMonitor _owner;
    private readonly MonitorConnection _connection;
    private readonly HealthEvaluator _evaluator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _checking = new(1, 1);
    // Serialises the evaluator and the publication of Health between the check loop and client traffic (never held
    // across I/O).
    private readonly Lock _publishing = new();
    private string? _lastFailure;
    // Under topology.kind galera: "not a Galera node" was logged and still holds (logged again only after it stopped holding).
    private bool _notGaleraLogged;

    public BackendMonitor(BackendEndpoint endpoint, HealthMonitor owner, string connectionString, HealthThresholds thresholds, TimeSpan checkTimeout, TimeProvider time, ILogger logger)
    {
        _endpoint = endpoint;
        _owner = owner;
        _connection = new MonitorConnection(connectionString, checkTimeout);
        _evaluator = new HealthEvaluator(thresholds);
        _time = time;
        _logger = logger;
        endpoint.TrafficErrorObserver = TrafficError;
    }

    public BackendEndpoint Endpoint => _endpoint;

    /// <summary>Checks completed so far (tests watch it to see the cadence).</summary>
    public long Checks => Interlocked.Read(ref _checks);
    private long _checks;

    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await CheckNowAsync(cancellationToken).ConfigureAwait(false);
                var rest = interval - Stopwatch.GetElapsedTime(started);
                if (rest > TimeSpan.Zero)
                    await Task.Delay(rest, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>One check now (one at a time per backend), its conclusion published.</summary>
    internal async Task<BackendHealth> CheckNowAsync(CancellationToken cancellationToken)
    {
        await _checking.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var isReplica = !_endpoint.IsPrimary;
            HealthCheckResult result;
            var hung = false;
            var startedAt = _time.GetUtcNow();
            var started = Stopwatch.GetTimestamp();
            try
            {
                var primaryBinlog = _owner.PrimaryBinlog;
                var heartbeat = _owner.Heartbeat;
                var writerReplicates = !isReplica && _owner.WritersReplicate;
                var (checkResult, binlog) = await _connection.RunAsync(
                    (connection, token) => BackendProbe.RunAsync(connection, isReplica, primaryBinlog, heartbeat, token, writerReplicates), cancellationToken).ConfigureAwait(false);
                // Several writers each have their own binlog: no one of them is "the" primary replicas measure bytes against.
                if (!isReplica && !_owner.WritersReplicate)
                    _owner.PrimaryBinlog = binlog;
                result = checkResult;
                _lastFailure = null;
            }
            // Whatever a check throws ends that check, never the loop: a dead loop would leave a stale Health forever.
            catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                hung = e is TimeoutException or MySqlException { ErrorCode: MySqlErrorCode.CommandTimeoutExpired };
                var description = Describe(e);
                result = HealthCheckResult.Unreachable(isReplica, description, Stopwatch.GetElapsedTime(started));
                // The details once per kind of failure, not every interval.
                if (description != _lastFailure)
                    Log.MonitorCheckFailed(_logger, _endpoint.Name, _endpoint.Address, e);
                _lastFailure = description;
            }

            _owner.CheckCompleted?.Invoke(_endpoint.Name, Stopwatch.GetElapsedTime(started), !result.Reachable);
            BackendHealth? previous;
            BackendHealth next;
            lock (_publishing)
            {
                previous = _endpoint.Health;
                next = _evaluator.Next(result, previous, _time.GetUtcNow(), startedAt);
                _endpoint.Health = next;
            }
            Interlocked.Increment(ref _checks);
            _owner.Published?.Invoke(_endpoint);
            // A hung writer of several is abandoned too: its sessions get an error (outcome unknown) instead of waiting
            // while new writes already go to the next writer.
            if (hung && next.State == HealthState.Down && (!_endpoint.IsPrimary || _owner.WritersReplicate) && _owner.HungReplica?.Invoke(_endpoint) is > 0 and var aborted)
                Log.HungBackendConnectionsAborted(_logger, _endpoint.Name, _endpoint.Address, next.Reason, aborted);
            if (previous?.State != next.State)
            {
                var from = (previous?.State ?? HealthState.Unknown).ToString();
                if (next.State == HealthState.Online)
                    Log.BackendHealthy(_logger, _endpoint.Name, _endpoint.Address, from, next.LagSeconds, next.RoundTrip?.TotalMilliseconds);
                else
                    Log.BackendUnhealthy(_logger, _endpoint.Name, _endpoint.Address, from, next.State.ToString(), next.Reason);
            }
            if (result.Reachable)
                LogWsrepChange(previous?.Wsrep, next, result.Wsrep is null);
            if (result.Reachable && (previous?.Warning ?? "") != next.Warning)
            {
                if (next.Warning.Length > 0)
                    Log.BackendWarning(_logger, _endpoint.Name, _endpoint.Address, next.Warning);
                else
                    Log.BackendWarningCleared(_logger, _endpoint.Name, _endpoint.Address, previous!.Warning);
            }
            return next;
        }
        finally
        {
            _checking.Release();
        }
    }

    /// <summary>Client traffic met a connection error on this backend: counted, and once there are enough within the
    /// window the backend is shunned (logged and counted once per shunning). Cheap; called on client threads.</summary>
    public void TrafficError(string error)
    {
        BackendHealth? previous;
        BackendHealth? shunned;
        lock (_publishing)
        {
            previous = _endpoint.Health;
            shunned = _evaluator.TrafficError(error, previous, _time.GetUtcNow());
            if (shunned is null)
                return;
            _endpoint.Health = shunned;
        }
        _owner.Published?.Invoke(_endpoint);
        if (previous?.State == HealthState.Shunned)
            return;
        Log.BackendShunned(_logger, _endpoint.Name, _endpoint.Address, (previous?.State ?? HealthState.Unknown).ToString(), shunned.Reason, _evaluator.Thresholds.SuccessesToOnline);
        _owner.Shunned?.Invoke(_endpoint.Name);
    }

    /// <summary>Logs a Galera node's state once per change (and, under topology.kind galera, a backend found not to be a
    /// Galera node once per finding), so a desync or a rejoin shows in the log with the state's own words.</summary>
    private void LogWsrepChange(WsrepStatus? before, BackendHealth next, bool notGalera)
    {
        var now = next.Wsrep;
        if (now is not null && (before is null || before.LocalStateComment != now.LocalStateComment || before.ClusterStatus != now.ClusterStatus || before.Ready != now.Ready))
            Log.WsrepStateChanged(_logger, _endpoint.Name, _endpoint.Address, before?.LocalStateComment ?? "-", now.LocalStateComment ?? "?",
                now.ClusterStatus ?? "?", now.Ready == true, now.ClusterSize ?? 0, now.NodeName ?? "");
        var wasFlagged = _notGaleraLogged;
        _notGaleraLogged = notGalera && _evaluator.Thresholds.RequireGalera;
        if (_notGaleraLogged && !wasFlagged)
            Log.NotAGaleraNode(_logger, _endpoint.Name, _endpoint.Address);
    }

    private static string Describe(Exception e) => e switch
    {
        TimeoutException => $"check timed out: {e.Message}",
        MySqlException { ErrorCode: MySqlErrorCode.AccessDenied } m => $"monitor login failed: {m.Message}",
        MySqlException { ErrorCode: MySqlErrorCode.CommandTimeoutExpired } => "check timed out",
        MySqlException { ErrorCode: MySqlErrorCode.UnableToConnectToHost } m => $"unreachable: {m.Message}",
        MySqlException m => $"check failed: {m.Message} (error {m.Number})",
        _ => $"check failed: {e.Message}",
    };

    public async ValueTask DisposeAsync()
    {
        _endpoint.TrafficErrorObserver = null;
        await _connection.DisposeAsync().ConfigureAwait(false);
        _checking.Dispose();
    }
}
