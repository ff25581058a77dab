using MySqlConnector;
using Switchyard.Proxy.Configuration;

namespace Switchyard.Proxy.Backends;

/// <summary>Where the proxy's own MySqlConnector connections (monitor, conflict scans) reach a backend: its TCP address
/// or its Unix socket, as configured.</summary>
internal static class DriverEndpoint
{
    public static MySqlConnectionStringBuilder Builder(BackendConfig backend) => new()
    {
        Server = backend.Socket ?? backend.Host,
        Port = (uint)backend.Port,
        ConnectionProtocol = backend.Socket is null ? MySqlConnectionProtocol.Sockets : MySqlConnectionProtocol.UnixSocket,
    };
}
