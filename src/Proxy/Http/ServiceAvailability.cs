using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Hosting;
using Switchyard.Routing.Health;

namespace Switchyard.Proxy.Http;

/// <summary>What /healthz answers: can the proxy serve writes, and reads?</summary>
/// <param name="Writes">The primary is online (or, with no monitor running, reachable as far as the proxy knows).</param>
/// <param name="Reads">Some replica is online, or writes are possible (reads then fall back to the primary).</param>
internal readonly record struct ServiceAvailability(bool Writes, bool Reads)
{
    public static ServiceAvailability Of(ProxyContext context)
    {
        var writes = IsServing(context.Primary);
        var reads = writes || context.Backends.Any(b => !b.IsPrimary && IsServing(b));
        return new ServiceAvailability(writes, reads);
    }

    /// <summary>Online by the monitor; without one, not marked unavailable after a failed connect and greeted us at
    /// least once.</summary>
    private static bool IsServing(BackendEndpoint backend) => backend.Health is { } health
        ? health.State == HealthState.Online
        : backend.IsAvailable && backend.LastGreeting is not null;
}
