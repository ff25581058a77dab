using System.Net;
using System.Net.Sockets;

namespace Switchyard.Benchmarks.Floor;

/// <summary>The listener and backend sockets the floor relays use: a backend is a TCP port on loopback or, when it
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

    /// <summary>Accepts clients for ever, connects each to the backend and hands the pair, both non-blocking, to
    /// <paramref name="onPair"/> (the epoll relays); a backend that refuses is reported and the client closed.</summary>
    public static void AcceptNonBlockingPairs(int port, string backend, string name, Action<Socket, Socket> onPair)
    {
        using var listener = Listen(port);
        Console.WriteLine($"{name} listening on 127.0.0.1:{port}, forwarding to {backend}");
        while (true)
        {
            var client = listener.Accept();
            client.NoDelay = true;
            var server = NewBackendSocket(backend);
            try
            {
                server.Connect(BackendEndPoint(backend));
            }
            catch (SocketException e)
            {
                Console.Error.WriteLine($"{name}: {e.Message}");
                client.Dispose();
                server.Dispose();
                continue;
            }
            client.Blocking = false;
            server.Blocking = false;
            onPair(client, server);
        }
    }

    public static Socket NewBackendSocket(string backend) => IsPath(backend)
        ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    public static EndPoint BackendEndPoint(string backend) => IsPath(backend)
        ? new UnixDomainSocketEndPoint(backend)
        : new IPEndPoint(IPAddress.Loopback, int.Parse(backend, System.Globalization.CultureInfo.InvariantCulture));

    private static bool IsPath(string backend) => backend.StartsWith('/');
}
