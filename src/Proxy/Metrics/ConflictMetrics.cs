using Prometheus;
using Switchyard.Proxy.Conflicts;

namespace Switchyard.Proxy.Metrics;

/// <summary>Collectors of conflict scans, on the proxy's own registry. Updated once per scan, never on the hot path.</summary>
internal sealed class ConflictMetrics
{
    private readonly Counter _detected;
    private readonly Gauge _rows;
    private readonly Counter _compared;
    private readonly Counter _resolved;
    private readonly Counter _scans;
    private readonly Histogram _duration;

    public ConflictMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _detected = factory.CreateCounter("switchyard_conflicts_detected_total", "Diverged rows found by conflict scans (a row found by several scans counts each time).", "table");
        _rows = factory.CreateGauge("switchyard_conflict_rows", "Diverged rows left unresolved after the last scan that compared the table.", "table");
        _compared = factory.CreateCounter("switchyard_conflict_rows_compared_total", "Rows compared across the nodes by conflict scans.", "table");
        _resolved = factory.CreateCounter("switchyard_conflicts_resolved_total", "Diverged rows repaired and verified identical on every node.", "table");
        _scans = factory.CreateCounter("switchyard_conflict_scans_total", "Conflict scans by result: complete, or incomplete (a node unreachable or gone mid-scan, a table not comparable, replication not settled).", "result");
        _duration = factory.CreateHistogram("switchyard_conflict_scan_duration_seconds", "Duration of conflict scans.", new HistogramConfiguration
        {
            Buckets = Histogram.ExponentialBuckets(0.01, 4, 9), // 10 ms .. ~11 min
        });
    }

    public void Record(ConflictScanReport report)
    {
        _scans.WithLabels(report.Complete ? "complete" : "incomplete").Inc();
        _duration.Observe(report.Duration.TotalSeconds);
        foreach (var table in report.Tables)
        {
            var name = table.Table.Name;
            _compared.WithLabels(name).Inc(table.RowsCompared);
            _detected.WithLabels(name).Inc(table.Diverged.Count);
            _resolved.WithLabels(name).Inc(table.Diverged.Count(d => d.Repair == RepairState.Verified));
            if (table.Error is null)
                _rows.WithLabels(name).Set(table.Remaining);
        }
    }
}
