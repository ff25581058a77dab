using System.Diagnostics;
using Switchyard.Proxy.Configuration;
using Switchyard.Routing.Health;

namespace Switchyard.Proxy.Backends;

/// <summary>A configured backend server and what the proxy has learned about it.</summary>
internal sealed class BackendEndpoint(BackendConfig config)
{
    private long _unavailableUntil;

    public BackendConfig Config { get; } = config;
    public string Name => Config.Name;
    public string Address => Config.Address;
    public bool IsPrimary => Config.Role == BackendRole.Primary;

    /// <summary>The greeting of the last successful connection: version string, capabilities, charset.</summary>
    public volatile BackendGreeting? LastGreeting;

    /// <summary>The monitor's latest conclusion, swapped as a whole (null while no monitor runs).</summary>
    public volatile BackendHealth? Health;

    /// <summary>False for a while after a connect to it failed, so reads skip it instead of paying a connect
    /// timeout each (the health monitor replaces this with measured state).</summary>
    public bool IsAvailable => Stopwatch.GetTimestamp() >= Volatile.Read(ref _unavailableUntil);

    public void MarkUnavailable(TimeSpan period) =>
        Volatile.Write(ref _unavailableUntil, Stopwatch.GetTimestamp() + (long)(period.TotalSeconds * Stopwatch.Frequency));

    public override string ToString() => $"{Name} ({Address})";
}
