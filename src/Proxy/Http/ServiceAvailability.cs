using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Hosting;
using Switchyard.Routing.Health;

namespace Switchyard.Proxy.Http;

/// <summary>What /healthz answers: can the proxy serve writes, and reads?</summary>
/// <param name="Writes">The primary is online and not read_only (or, with no monitor running, reachable as far as the
/// proxy knows).</param>
/// <param name="Reads">Some replica is online, or the primary is (reads then fall back to it).</param>
internal readonly record struct ServiceAvailability(bool Writes, bool Reads)
{
    public static ServiceAvailability Of(ProxyContext context)
    {
        var writes = context.Writers.HasSeveralWriters ? context.Writers.Active is not null : AcceptsWrites(context.Primary);
        var reads = IsServing(context.Primary) || context.Backends.Any(b => (!b.IsPrimary || context.Writers.HasSeveralWriters) && IsServing(b));
        return new ServiceAvailability(writes, reads);
    }

    /// <summary>Why writes are not possible, in words for /healthz and /status; empty when they are.</summary>
    public static string WhyNoWrites(ProxyContext context)
    {
        if (context.Writers.HasSeveralWriters)
            return context.Writers.Active is null ? context.Writers.Unavailability() : "";
        var primary = context.Primary;
        if (AcceptsWrites(primary))
            return "";
        return primary.Health switch
        {
            { State: HealthState.Online, ReadOnly: true } => $"primary '{primary.Name}' has read_only=ON",
            { } health => $"primary '{primary.Name}' is {health.State.ToString().ToLowerInvariant()}: {health.Reason}",
            null => $"primary '{primary.Name}' is not reachable",
        };
    }

    private static bool AcceptsWrites(BackendEndpoint primary) => primary.Health is { } health ? health.AcceptsWrites : IsServing(primary);

    /// <summary>Online by the monitor; without one, not marked unavailable after a failed connect and greeted us at
    /// least once.</summary>
    private static bool IsServing(BackendEndpoint backend) => backend.Health is { } health
        ? health.State == HealthState.Online
        : backend.IsAvailable && backend.LastGreeting is not null;
}
