using Microsoft.Extensions.Logging;
using MySqlConnector;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Logging;
using Switchyard.Proxy.Metrics;
using Switchyard.Routing.Conflicts;

namespace Switchyard.Proxy.Conflicts;

/// <summary>
/// Scans the configured tables across the nodes (in the background every scan_interval, and on demand), one scan at a
/// time, keeping the last report for /conflicts. Each scan opens its own connection per node with the conflicts
/// credentials; a node that cannot be reached or goes away mid-scan makes the scan incomplete, never "no conflicts".
/// </summary>
internal sealed class ConflictScanner : IAsyncDisposable
{
    private readonly ConflictsConfig _config;
    private readonly IReadOnlyList<ConflictNode> _nodes;
    private readonly BackendCredentials _credentials;
    private readonly ConflictMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _oneScan = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private volatile ConflictScanReport? _last;
    private volatile ConflictScanReport? _running;

    public ConflictScanner(SwitchyardConfig config, ConflictMetrics? metrics, ILogger logger, TimeProvider time)
    {
        _config = config.Conflicts;
        _credentials = _config.Credentials ?? config.BackendCredentials;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        var timeout = (uint)Math.Max(1, _config.QueryTimeout.TotalSeconds);
        _nodes = _config.NodesOf(config.Backends).Select((name, index) =>
        {
            var backend = config.Backends.Single(b => b.Name == name);
            var builder = DriverEndpoint.Builder(backend);
            builder.UserID = _credentials.User;
            builder.Password = _credentials.Password;
            builder.Pooling = false;
            builder.ConnectionTimeout = Math.Min(timeout, 10);
            builder.DefaultCommandTimeout = timeout;
            builder.ConvertZeroDateTime = true;
            builder.CharacterSet = "utf8mb4";
            return new ConflictNode(name, index, builder.ConnectionString);
        }).ToList();
    }

    public IReadOnlyList<ConflictNode> Nodes => _nodes;

    /// <summary>The last finished scan; null before the first.</summary>
    public ConflictScanReport? Last => _last;

    /// <summary>The scan in progress, if any.</summary>
    public ConflictScanReport? Running => _running;

    /// <summary>Called after each key range of a table was summarised on every node (table, range index); for tests
    /// that make a node go away mid-scan.</summary>
    internal Func<string, int, Task>? RangeChecked { get; set; }

    /// <summary>Starts background scans every scan_interval (none when it is zero).</summary>
    public void Start()
    {
        if (_config.ScanInterval <= TimeSpan.Zero || _loop is not null)
            return;
        Log.ConflictScansScheduled(_logger, _config.ScanInterval.TotalSeconds, _config.Tables.Count, string.Join(", ", _nodes.Select(n => n.Name)));
        _loop = Task.Run(BackgroundAsync, CancellationToken.None);
    }

    private async Task BackgroundAsync()
    {
        using var timer = new PeriodicTimer(_config.ScanInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
                await ScanAsync(repair: false, "background", _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Runs a scan now (after the one in progress, if any). <paramref name="repair"/>: apply resolutions of every
    /// table that has a strategy; otherwise only tables with auto_repair are repaired, and only by background scans.</summary>
    public async Task<ConflictScanReport> ScanAsync(bool repair, string trigger, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await _oneScan.WaitAsync(linked.Token).ConfigureAwait(false);
        var report = new ConflictScanReport
        {
            Started = _time.GetUtcNow(),
            Trigger = trigger,
            RepairRequested = repair,
            Nodes = _nodes.Select(n => n.Name).ToList(),
        };
        _running = report;
        try
        {
            await RunAsync(report, repair || trigger == "background", repair, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            report.IncompleteReasons.Add("the scan was cancelled (the proxy is stopping)");
        }
        catch (Exception e)
        {
            report.IncompleteReasons.Add($"the scan failed unexpectedly: {e.Message}");
            Log.ConflictScanFailed(_logger, e);
        }
        finally
        {
            report.Finished = _time.GetUtcNow();
            _last = report;
            _running = null;
            _oneScan.Release();
        }
        _metrics?.Record(report);
        if (report.Complete)
            Log.ConflictScanFinished(_logger, report.Trigger, report.Tables.Count, report.RowsCompared, report.DivergedRows, report.RemainingRows, report.Duration.TotalMilliseconds);
        else
            Log.ConflictScanIncomplete(_logger, report.Trigger, string.Join("; ", report.IncompleteReasons), report.DivergedRows);
        return report;
    }

    private async Task RunAsync(ConflictScanReport report, bool repairAllowed, bool repairEverything, CancellationToken cancellationToken)
    {
        var connections = new List<MySqlConnection>();
        try
        {
            foreach (var node in _nodes)
            {
                var connection = new MySqlConnection(node.ConnectionString);
                connections.Add(connection);
                try
                {
                    await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (MySqlException e)
                {
                    report.IncompleteReasons.Add($"node {node.Name} is unreachable: {e.Message}");
                }
            }
            if (report.IncompleteReasons.Count > 0)
                return;
            var scanner = new TableScanner(_config, _nodes, connections, _logger, RangeChecked);
            var repairer = new RowRepairer(_nodes, connections, _credentials.User, _logger);
            foreach (var table in _config.Tables)
            {
                var tableReport = new TableScanReport { Table = table };
                report.Tables.Add(tableReport);
                try
                {
                    await scanner.ScanAsync(tableReport, cancellationToken).ConfigureAwait(false);
                    if (tableReport.Unsettled is { } unsettled)
                        report.IncompleteReasons.Add($"table {table.Name}: {unsettled}");
                    if (repairAllowed && (repairEverything || table.AutoRepair) && table.Strategy != ConflictStrategy.ReportOnly && tableReport.Diverged.Count > 0)
                        await repairer.RepairAsync(tableReport, cancellationToken).ConfigureAwait(false);
                }
                catch (TableCheckException e)
                {
                    tableReport.Error = e.Message;
                    report.IncompleteReasons.Add($"table {table.Name} not compared: {e.Message}");
                    Log.ConflictTableUnusable(_logger, table.Name, e.Message);
                }
                catch (NodeFailedException e)
                {
                    tableReport.Error = e.Message;
                    report.IncompleteReasons.Add($"node {e.Node} went away during table {table.Name}: {e.InnerException?.Message}");
                    return;
                }
                catch (MySqlException e)
                {
                    tableReport.Error = e.Message;
                    report.IncompleteReasons.Add($"table {table.Name} not compared: {e.Message}");
                    Log.ConflictTableUnusable(_logger, table.Name, e.Message);
                }
            }
        }
        finally
        {
            foreach (var connection in connections)
                await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        _stopping.Cancel();
        if (_loop is not null)
            await _loop.ConfigureAwait(false);
        // Wait for an on-demand scan to see the cancellation and finish.
        await _oneScan.WaitAsync().ConfigureAwait(false);
        _oneScan.Release();
        _stopping.Dispose();
    }
}
