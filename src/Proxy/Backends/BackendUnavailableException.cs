namespace Switchyard.Proxy.Backends;

/// <summary>A backend could not be connected to or authenticated with; the message names it and the reason,
/// and is what the client sees.</summary>
internal sealed class BackendUnavailableException(BackendEndpoint backend, string reason, Exception? inner = null)
    : Exception($"Switchyard: backend '{backend.Name}' ({backend.Address}) is unavailable: {reason}", inner)
{
    public BackendEndpoint Backend { get; } = backend;
    public string Reason { get; } = reason;
}
