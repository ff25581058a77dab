using System.Net;
using System.Net.Sockets;

namespace Switchyard.Benchmarks.Floor;

/// <summary>The listener and backend sockets both floor relays use: a backend is a TCP port on loopback or, when it
/// starts with '/', a Unix socket path (BENCH_BACKENDS=socket).</summary>
internal static class RelayEndpoints
{
    public static Socket Listen(int port)
    {
        var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(512);
        return listener;
    }

    public static Socket NewBackendSocket(string backend) => IsPath(backend)
        ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    public static EndPoint BackendEndPoint(string backend) => IsPath(backend)
        ? new UnixDomainSocketEndPoint(backend)
        : new IPEndPoint(IPAddress.Loopback, int.Parse(backend, System.Globalization.CultureInfo.InvariantCulture));

    private static bool IsPath(string backend) => backend.StartsWith('/');
}
