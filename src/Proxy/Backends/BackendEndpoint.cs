using Switchyard.Proxy.Configuration;

namespace Switchyard.Proxy.Backends;

/// <summary>A configured backend server and what the proxy has learned about it.</summary>
internal sealed class BackendEndpoint(BackendConfig config)
{
    public BackendConfig Config { get; } = config;
    public string Name => Config.Name;
    public string Address => Config.Address;
    public bool IsPrimary => Config.Role == BackendRole.Primary;

    /// <summary>The greeting of the last successful connection: version string, capabilities, charset.</summary>
    public volatile BackendGreeting? LastGreeting;

    public override string ToString() => $"{Name} ({Address})";
}
