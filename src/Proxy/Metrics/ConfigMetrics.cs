using Prometheus;

namespace Switchyard.Proxy.Metrics;

/// <summary>Configuration reload metrics, in the server's own registry (<see cref="ProxyMetrics.Registry"/>), named as
/// Prometheus names its own (prometheus_config_last_reload_success_timestamp_seconds) so the usual alerts apply.</summary>
internal sealed class ConfigMetrics
{
    private readonly Counter.Child _successes;
    private readonly Counter.Child _failures;
    private readonly Gauge _lastSuccess;

    public ConfigMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var reloads = factory.CreateCounter("switchyard_config_reloads_total",
            "Configuration reloads by result: success (applied) or failure (unreadable or invalid file, running configuration kept).", "result");
        // Both series exist from the start, so rate() and alerts on failures work before the first failure.
        _successes = reloads.WithLabels("success");
        _failures = reloads.WithLabels("failure");
        _lastSuccess = factory.CreateGauge("switchyard_config_last_reload_success_timestamp_seconds",
            "Unix time of the last successful configuration load (start-up or reload).");
    }

    public double Successes => _successes.Value;
    public double Failures => _failures.Value;
    public double LastSuccessSeconds => _lastSuccess.Value;

    /// <summary>The configuration the process started with counts as the first successful load.</summary>
    public void Loaded(DateTimeOffset at) => _lastSuccess.Set(at.ToUnixTimeMilliseconds() / 1000.0);

    public void ReloadSucceeded(DateTimeOffset at)
    {
        _successes.Inc();
        Loaded(at);
    }

    public void ReloadFailed() => _failures.Inc();
}
