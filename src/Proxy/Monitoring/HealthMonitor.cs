using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Logging;
using Switchyard.Routing.Health;

namespace Switchyard.Proxy.Monitoring;

/// <summary>Runs one <see cref="BackendMonitor"/> loop per backend (and the heartbeat writer on the primary when
/// the heartbeat is on). Started after the proxy's warm-up, stopped before the pools are disposed. A reload adds and
/// removes replicas' loops one by one (<see cref="Add"/>, <see cref="RemoveAsync"/>); the others run on untouched.</summary>
internal sealed class HealthMonitor : IAsyncDisposable
{
    private readonly MonitorConfig _config;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly HeartbeatWriter? _heartbeat;
    private volatile PrimaryBinlog? _primaryBinlog;
    private readonly TimeProvider _time;
    // Each backend's loop, with its own stop so that one can end without the others: swapped whole, read by tests.
    private volatile Loop[] _monitors;
    private readonly Lock _changing = new();
    private bool _started;
    // topology.kind: galera: a backend that is not a Galera node is unhealthy.
    private readonly bool _requireGalera;

    public HealthMonitor(SwitchyardConfig config, IReadOnlyList<BackendEndpoint> backends, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _config = config.Monitor;
        _requireGalera = config.Topology.Kind == TopologyKind.Galera;
        _logger = loggerFactory.CreateLogger("Switchyard.Monitor");
        var credentials = _config.Credentials ?? config.BackendCredentials;
        Credentials = credentials;
        _time = time;
        WritersReplicate = config.Topology.HasSeveralWriters;
        HeartbeatTable = _config.Heartbeat.Enabled ? _config.Heartbeat.Table : null;
        _monitors = [.. backends.Select(b => new Loop(Create(b)))];
        // Several writers replicate each other: a heartbeat written on one would be written back by the other.
        if (HeartbeatTable is not null && !config.Topology.HasSeveralWriters && backends.FirstOrDefault(b => b.IsPrimary) is { } primary)
        {
            var connection = new MonitorConnection(
                MonitorConnection.ConnectionString(primary.Config, credentials.User, credentials.Password, _config.CheckTimeout),
                _config.CheckTimeout);
            _heartbeat = new HeartbeatWriter(connection, HeartbeatTable, _logger, primary.Name);
        }
    }

    public IReadOnlyList<BackendMonitor> Monitors => Array.ConvertAll(_monitors, l => l.Monitor);

    private BackendMonitor Create(BackendEndpoint b) => new(
        b, this,
        MonitorConnection.ConnectionString(b.Config, Credentials.User, Credentials.Password, _config.CheckTimeout),
        new HealthThresholds(b.Config.MaxReplicationLag ?? _config.MaxReplicationLag, _config.LagRecoveryRatio, _config.FailuresToDown, _config.SuccessesToOnline)
        {
            ShunAfterErrors = _config.ShunAfterErrors,
            ShunWindow = _config.ShunWindow,
            RequireGalera = _requireGalera,
        },
        _config.CheckTimeout, _time, _logger);

    /// <summary>Starts checking <paramref name="backend"/> (a replica a reload added). Until its first check it is
    /// <see cref="BackendHealth.Unchecked"/>, which no read is routed to: it enters rotation when a check finds it online.</summary>
    public void Add(BackendEndpoint backend)
    {
        backend.Health = BackendHealth.Unchecked;
        var loop = new Loop(Create(backend));
        lock (_changing)
        {
            _monitors = [.. _monitors, loop];
            if (_started)
                loop.Start(_config.Interval, _stopping.Token);
        }
    }

    /// <summary>Stops checking <paramref name="backend"/> (a reload removed it) and closes its monitor connection.</summary>
    public async Task RemoveAsync(BackendEndpoint backend)
    {
        Loop? loop;
        lock (_changing)
        {
            loop = Array.Find(_monitors, l => ReferenceEquals(l.Monitor.Endpoint, backend));
            if (loop is null)
                return;
            _monitors = [.. _monitors.Where(l => l != loop)];
        }
        await loop.StopAsync().ConfigureAwait(false);
    }

    /// <summary>Told of every check: backend name, duration, whether it failed (the metrics count them).</summary>
    public Action<string, TimeSpan, bool>? CheckCompleted { get; set; }

    /// <summary>Told when a replica's check timed out and it is down: aborts its connections in use and returns how
    /// many (a hung replica would otherwise hold every session waiting on it for as long as it hangs).</summary>
    public Func<Backends.BackendEndpoint, int>? HungReplica { get; set; }

    /// <summary>Told after every publication of a backend's health (a check, a shunning): the writer election
    /// follows the writers' state through it.</summary>
    public Action<BackendEndpoint>? Published { get; set; }

    /// <summary>Multi-primary or Galera: a writer's check also measures its replication from the other writers (its
    /// lag is shown, but does not take it out: it is a writer, not a replica).</summary>
    public bool WritersReplicate { get; }

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
        lock (_changing)
        {
            _started = true;
            Log.MonitorStarted(_logger, _monitors.Length, (long)_config.Interval.TotalMilliseconds, (long)_config.CheckTimeout.TotalMilliseconds, Credentials.User, HeartbeatTable is not null);
            foreach (var loop in _monitors)
                loop.Start(_config.Interval, _stopping.Token);
        }
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
        Loop[] all;
        lock (_changing)
        {
            all = _monitors;
            _monitors = [];
        }
        foreach (var loop in all)
            await loop.StopAsync().ConfigureAwait(false);
        if (_heartbeat is not null)
            await _heartbeat.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>One backend's check loop and the stop that ends it alone.</summary>
    private sealed class Loop(BackendMonitor monitor)
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _run = Task.CompletedTask;
        private CancellationTokenSource? _linked;

        public BackendMonitor Monitor => monitor;

        public void Start(TimeSpan interval, CancellationToken stopping)
        {
            _linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _stop.Token);
            var token = _linked.Token;
            _run = Task.Run(() => monitor.RunAsync(interval, token), CancellationToken.None);
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await _run.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
            await monitor.DisposeAsync().ConfigureAwait(false);
            _linked?.Dispose();
            _stop.Dispose();
        }
    }
}
