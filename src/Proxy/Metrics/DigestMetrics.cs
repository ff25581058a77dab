using Prometheus;
using Switchyard.Proxy.Digests;

namespace Switchyard.Proxy.Metrics;

/// <summary>
/// Exports the heaviest digests (by total time) to Prometheus, refreshed at each scrape. Only the top
/// <c>exported</c> digests carry series, so the number of series stays bounded however many statement shapes the
/// applications send; a digest that drops out of the top loses its series. The full table is at /digests.
/// </summary>
internal sealed class DigestMetrics
{
    private const int MaxLabelText = 120;

    private readonly DigestStatistics _statistics;
    private readonly int _exported;
    private readonly Counter _statements;
    private readonly Counter _errors;
    private readonly Counter _seconds;
    private readonly Gauge _info;
    private readonly Gauge _distinct;
    private readonly Dictionary<ulong, string[]> _exportedLabels = [];
    private readonly Lock _gate = new();

    public DigestMetrics(CollectorRegistry registry, DigestStatistics statistics, int exported)
    {
        _statistics = statistics;
        _exported = exported;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _statements = factory.CreateCounter("switchyard_digest_statements_total",
            "Statements of one digest (statement shape); only the digests with the most total time are exported.", "digest");
        _errors = factory.CreateCounter("switchyard_digest_errors_total", "Statements of one digest that ended with an error.", "digest");
        _seconds = factory.CreateCounter("switchyard_digest_seconds_total", "Time through the proxy spent on statements of one digest.", "digest");
        _info = factory.CreateGauge("switchyard_digest_info", "1 for each exported digest, with its normalised text (cut).", "digest", "text");
        _distinct = factory.CreateGauge("switchyard_digests", "Distinct digests being tracked (bounded by digests.max_digests).");
        registry.AddBeforeCollectCallback(Refresh);
    }

    private void Refresh()
    {
        lock (_gate)
        {
            _distinct.Set(_statistics.Count);
            var top = _statistics.Top(_exported, DigestOrder.TotalTime);
            var keep = new HashSet<ulong>(top.Select(e => e.Hash));
            foreach (var (hash, labels) in _exportedLabels.Where(p => !keep.Contains(p.Key)).ToList())
            {
                _statements.RemoveLabelled(labels[0]);
                _errors.RemoveLabelled(labels[0]);
                _seconds.RemoveLabelled(labels[0]);
                _info.RemoveLabelled(labels);
                _exportedLabels.Remove(hash);
            }
            foreach (var entry in top)
            {
                if (!_exportedLabels.TryGetValue(entry.Hash, out var labels))
                {
                    var text = entry.Text.Length > MaxLabelText ? entry.Text[..MaxLabelText] + "…" : entry.Text;
                    _exportedLabels[entry.Hash] = labels = [DigestDocument.Hex(entry.Hash), text];
                    _info.WithLabels(labels).Set(1);
                }
                _statements.WithLabels(labels[0]).IncTo(entry.Count);
                _errors.WithLabels(labels[0]).IncTo(entry.Errors);
                _seconds.WithLabels(labels[0]).IncTo(entry.TotalTime.TotalSeconds);
            }
        }
    }
}
