using Prometheus;
using Switchyard.Proxy.Backends;
using Switchyard.Routing.Topology;

namespace Switchyard.Proxy.Metrics;

/// <summary>The writers' series: which one is active, which can take writes, how often writes moved and why, and
/// writes whose outcome the proxy could not know. Gauges are refreshed at scrape time from the
/// <see cref="WriterSelector"/>; counters are fed by its change events and by sessions.</summary>
internal sealed class TopologyMetrics
{
    private readonly WriterSelector _writers;
    private readonly Gauge _activeWriter;
    private readonly Gauge _writerAvailable;
    private readonly Counter _failovers;
    private readonly Counter _outcomeUnknown;
    private readonly Counter _retried;

    public TopologyMetrics(CollectorRegistry registry, WriterSelector writers)
    {
        _writers = writers;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _activeWriter = factory.CreateGauge("switchyard_active_writer",
            "1 for the writer that takes writes now (the active writer), 0 for the other writers.", "backend");
        _writerAvailable = factory.CreateGauge("switchyard_writer_available",
            "1 when the writer could take writes (online, read_only OFF, no failed connect just now), 0 when not.", "backend");
        _failovers = factory.CreateCounter("switchyard_writer_failovers_total",
            "Changes of the active writer, by from, to (none: no writer was healthy) and reason (failover, failback, switchover, no_writer, recovered).",
            "from", "to", "reason");
        _outcomeUnknown = factory.CreateCounter("switchyard_write_outcome_unknown_total",
            "Statements whose writer was lost after they were sent: the client was told the outcome is unknown.", "backend");
        _retried = factory.CreateCounter("switchyard_writes_retried_total",
            "Statements not yet sent when their writer failed, sent to the next writer instead, by the writer that failed.", "backend");
        foreach (var writer in writers.Writers)
        {
            _outcomeUnknown.WithLabels(writer.Endpoint.Name).Publish();
            _retried.WithLabels(writer.Endpoint.Name).Publish();
        }
        registry.AddBeforeCollectCallback(Refresh);
    }

    public void WriterChanged(string? from, string? to, WriterChange change)
    {
        if (change is WriterChange.None or WriterChange.Initial)
            return;
        _failovers.WithLabels(from ?? "none", to ?? "none", WriterSelector.ToLabel(change)).Inc();
    }

    public void OutcomeUnknown(string writer) => _outcomeUnknown.WithLabels(writer).Inc();

    public void Retried(string writer) => _retried.WithLabels(writer).Inc();

    private void Refresh()
    {
        var active = _writers.Active;
        foreach (var writer in _writers.Writers)
        {
            _activeWriter.WithLabels(writer.Endpoint.Name).Set(ReferenceEquals(writer, active) ? 1 : 0);
            _writerAvailable.WithLabels(writer.Endpoint.Name).Set(_writers.IsHealthy(writer.Endpoint, out _) ? 1 : 0);
        }
    }
}
