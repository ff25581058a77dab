using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Logging;
using Switchyard.Routing.Health;

namespace Switchyard.Proxy.Monitoring;

/// <summary>Runs one <see cref="BackendMonitor"/> loop per backend (and the heartbeat writer on the primary when
/// the heartbeat is on). Started after the proxy's warm-up, stopped before the pools are disposed.</summary>
internal sealed class HealthMonitor : IAsyncDisposable
{
    private readonly MonitorConfig _config;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly HeartbeatWriter? _heartbeat;
    private volatile PrimaryBinlog? _primaryBinlog;

    public HealthMonitor(SwitchyardConfig config, IReadOnlyList<BackendEndpoint> backends, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _config = config.Monitor;
        _logger = loggerFactory.CreateLogger("Switchyard.Monitor");
        var credentials = _config.Credentials ?? config.BackendCredentials;
        Credentials = credentials;
        HeartbeatTable = _config.Heartbeat.Enabled ? _config.Heartbeat.Table : null;
        Monitors = backends.Select(b => new BackendMonitor(
            b, this,
            MonitorConnection.ConnectionString(b.Config.Host, b.Config.Port, credentials.User, credentials.Password, _config.CheckTimeout),
            new HealthThresholds(b.Config.MaxReplicationLag ?? _config.MaxReplicationLag, _config.LagRecoveryRatio, _config.FailuresToDown, _config.SuccessesToOnline)
            {
                ShunAfterErrors = _config.ShunAfterErrors,
                ShunWindow = _config.ShunWindow,
            },
            _config.CheckTimeout, time, _logger)).ToList();
        if (HeartbeatTable is not null && backends.FirstOrDefault(b => b.IsPrimary) is { } primary)
        {
            var connection = new MonitorConnection(
                MonitorConnection.ConnectionString(primary.Config.Host, primary.Config.Port, credentials.User, credentials.Password, _config.CheckTimeout),
                _config.CheckTimeout);
            _heartbeat = new HeartbeatWriter(connection, HeartbeatTable, _logger, primary.Name);
        }
    }

    public IReadOnlyList<BackendMonitor> Monitors { get; }

    /// <summary>Told of every check: backend name, duration, whether it failed (the metrics count them).</summary>
    public Action<string, TimeSpan, bool>? CheckCompleted { get; set; }

    /// <summary>Told when a replica's check timed out and it is down: aborts its connections in use and returns how
    /// many (a hung replica would otherwise hold every session waiting on it for as long as it hangs).</summary>
    public Func<Backends.BackendEndpoint, int>? HungReplica { get; set; }

    /// <summary>Told of every shunning by client traffic: backend name (the metrics count them).</summary>
    public Action<string>? Shunned { get; set; }

    private BackendCredentials Credentials { get; }

    /// <summary>The heartbeat table replicas read, or null when the heartbeat is off.</summary>
    public string? HeartbeatTable { get; }

    /// <summary>What replicas' checks need of the heartbeat: null while it is off, not written yet or failing
    /// (their lag then comes from Seconds_Behind_Master).</summary>
    public HeartbeatRead? Heartbeat =>
        HeartbeatTable is not null && _heartbeat?.Since is { } since ? new HeartbeatRead(HeartbeatTable, since) : null;

    /// <summary>Written by the primary's check, read by the replicas' checks for lag in bytes.</summary>
    public PrimaryBinlog? PrimaryBinlog
    {
        get => _primaryBinlog;
        set => _primaryBinlog = value;
    }

    public BackendMonitor For(string backend) => Monitors.Single(m => m.Endpoint.Name == backend);

    public void Start()
    {
        Log.MonitorStarted(_logger, Monitors.Count, (long)_config.Interval.TotalMilliseconds, (long)_config.CheckTimeout.TotalMilliseconds, Credentials.User, HeartbeatTable is not null);
        foreach (var monitor in Monitors)
            _loops.Add(Task.Run(() => monitor.RunAsync(_config.Interval, _stopping.Token), CancellationToken.None));
        if (_heartbeat is not null)
            _loops.Add(Task.Run(() => _heartbeat.RunAsync(_config.Heartbeat.Interval, _stopping.Token), CancellationToken.None));
    }

    /// <summary>One check of every backend now, in parallel (for tests and start-up).</summary>
    internal Task CheckNowAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(Monitors.Select(m => m.CheckNowAsync(cancellationToken)));

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
            await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        foreach (var monitor in Monitors)
            await monitor.DisposeAsync().ConfigureAwait(false);
        if (_heartbeat is not null)
            await _heartbeat.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
