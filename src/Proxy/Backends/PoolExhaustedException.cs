namespace Switchyard.Proxy.Backends;

/// <summary>No backend connection became free within the pool's wait timeout.</summary>
internal sealed class PoolExhaustedException(BackendEndpoint backend, TimeSpan waited, int limit)
    : Exception($"Switchyard: all {limit} connections to backend '{backend.Name}' ({backend.Address}) are busy; none became free within {waited.TotalMilliseconds:0} ms")
{
    public BackendEndpoint Backend { get; } = backend;
}
