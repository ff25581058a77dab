using Prometheus;
using Switchyard.Routing.Rules;

namespace Switchyard.Proxy.Metrics;

/// <summary>Configuration reload metrics, in the server's own registry (<see cref="ProxyMetrics.Registry"/>), named as
/// Prometheus names its own (prometheus_config_last_reload_success_timestamp_seconds) so the usual alerts apply.</summary>
internal sealed class ConfigMetrics
{
    private readonly Counter.Child _successes;
    private readonly Counter.Child _failures;
    private readonly Gauge _lastSuccess;

    private readonly Func<RuleSet>? _rules;
    private readonly Counter? _ruleHits;
    private readonly Counter? _ruleRegexTimeouts;
    private readonly HashSet<string> _exportedRules = new(StringComparer.Ordinal);
    private readonly Lock _exportGate = new();

    /// <param name="rules">The rule set in force, read at scrape time for the per-rule counters; null exports none.</param>
    public ConfigMetrics(CollectorRegistry registry, Func<RuleSet>? rules = null)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        if (rules is not null)
        {
            _rules = rules;
            // One series per configured rule: cardinality is bounded by the file. Rule counters live on the rules
            // (the hot path pays one Interlocked increment) and are copied here only when scraped.
            _ruleHits = factory.CreateCounter("switchyard_rule_hits_total", "Statements a routing rule matched (it was the first match).", "rule");
            _ruleRegexTimeouts = factory.CreateCounter("switchyard_rule_regex_timeouts_total",
                "Statements for which a rule's regex ran out of time (counted as no match).", "rule");
            registry.AddBeforeCollectCallback(ExportRuleCounters);
        }
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

    private void ExportRuleCounters()
    {
        lock (_exportGate)
        {
            var current = _rules!();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var rule in current.Rules)
            {
                names.Add(rule.Name);
                _ruleHits!.WithLabels(rule.Name).IncTo(rule.Hits);
                _ruleRegexTimeouts!.WithLabels(rule.Name).IncTo(rule.RegexTimeouts);
            }
            // A rule removed or renamed by a reload stops being exported.
            foreach (var gone in _exportedRules.Where(n => !names.Contains(n)).ToList())
            {
                _ruleHits!.RemoveLabelled(gone);
                _ruleRegexTimeouts!.RemoveLabelled(gone);
                _exportedRules.Remove(gone);
            }
            _exportedRules.UnionWith(names);
        }
    }
}
