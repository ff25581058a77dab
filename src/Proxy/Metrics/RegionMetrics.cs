using Prometheus;
using Switchyard.Proxy.Regions;
using Switchyard.Routing.Regions;

namespace Switchyard.Proxy.Metrics;

/// <summary>
/// Multi-region collectors: statements by the user's home region and the region that served them, write failovers
/// between regions, and each region's health and measured round trip (read from the router at scrape time).
/// Children are made once per (home, served, kind), so counting allocates nothing.
/// </summary>
internal sealed class RegionMetrics
{
    private readonly Counter.Child[,,] _statements;
    private readonly Counter _failovers;
    private readonly string[] _names;

    public RegionMetrics(CollectorRegistry registry, RegionRouter router)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _names = [.. router.Regions.Select(r => r.Name)];
        var statements = factory.CreateCounter("switchyard_region_statements_total",
            "Statements by the user's home region and the region that served them; kind is read or write.", "home_region", "served_region", "kind");
        _statements = new Counter.Child[_names.Length, _names.Length, 2];
        for (var h = 0; h < _names.Length; h++)
        {
            for (var s = 0; s < _names.Length; s++)
            {
                _statements[h, s, 0] = statements.WithLabels(_names[h], _names[s], "read");
                _statements[h, s, 1] = statements.WithLabels(_names[h], _names[s], "write");
            }
        }
        _failovers = factory.CreateCounter("switchyard_region_write_moves_total",
            "Changes of where a home region's writes go: away from home (home_down, home_catching_up) and back (home).", "home_region", "to_region", "reason");
        var up = factory.CreateGauge("switchyard_region_up", "1 when the region's primary takes writes.", "region");
        var readable = factory.CreateGauge("switchyard_region_readable", "1 when some backend of the region serves reads.", "region");
        var rtt = factory.CreateGauge("switchyard_region_round_trip_seconds",
            "Smallest round trip the monitor measured to a serving backend of the region (absent before the first).", "region");
        var local = factory.CreateGauge("switchyard_region_local", "1 for the region this proxy runs in.", "region");
        registry.AddBeforeCollectCallback(() =>
        {
            foreach (var region in router.Regions)
            {
                up.WithLabels(region.Name).Set(region.CanWrite ? 1 : 0);
                readable.WithLabels(region.Name).Set(region.CanRead ? 1 : 0);
                local.WithLabels(region.Name).Set(region.IsLocal ? 1 : 0);
                if (region.RoundTrip is { } roundTrip)
                    rtt.WithLabels(region.Name).Set(roundTrip.TotalSeconds);
            }
        });
    }

    /// <summary>A statement of a user homed in region <paramref name="home"/> ran in region <paramref name="served"/>.</summary>
    public void Served(string home, string served, bool write)
    {
        var h = Array.IndexOf(_names, home);
        var s = Array.IndexOf(_names, served);
        if (h >= 0 && s >= 0)
            _statements[h, s, write ? 1 : 0].Inc();
    }

    public void WritesMoved(string home, string? to, WriteRegionReason reason) =>
        _failovers.WithLabels(home, to ?? "none", reason switch
        {
            WriteRegionReason.Home => "home",
            WriteRegionReason.HomeDown => "home_down",
            WriteRegionReason.HomeCatchingUp => "home_catching_up",
            _ => "no_region",
        }).Inc();
}
