using System.Net.Sockets;
using Switchyard.Proxy.Configuration;

namespace Switchyard.Proxy.Hosting;

/// <summary>A configured listener could not be bound (address in use, not local, no permission); names which one.</summary>
public sealed class ListenFailedException(string listener, ListenEndpoint endpoint, SocketException inner)
    : Exception($"cannot listen for {listener} on {endpoint}: {inner.Message}", inner)
{
    /// <summary>"MySQL clients" or "HTTP".</summary>
    public string Listener { get; } = listener;

    public ListenEndpoint Endpoint { get; } = endpoint;
}
