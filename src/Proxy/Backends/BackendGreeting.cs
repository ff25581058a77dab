using Switchyard.Protocol;

namespace Switchyard.Proxy.Backends;

/// <summary>The parts of a backend's greeting that clients get to see through the proxy.</summary>
internal sealed record BackendGreeting(string ServerVersion, CapabilityFlags Capabilities, bool IsMariaDb, byte CharacterSet);
