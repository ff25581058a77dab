using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static Switchyard.Benchmarks.Floor.Libc;
using static Switchyard.Proxy.Transport.Epoll.LinuxSocketCalls;

namespace Switchyard.Benchmarks.Floor;

/// <summary>
/// <see cref="ByteRelay"/> without .NET's socket engine: one thread waits in its own level-triggered epoll set and
/// moves each message with one recv and one send through the C library, nothing async. What a hand-written data path
/// in C# could save against the socket engine and async state machines (scripts/bench-floor.sh, target
/// <c>epoll</c>). Linux only.
/// Usage: <c>Switchyard.Benchmarks epoll-relay LISTEN_PORT BACKEND_PORT|BACKEND_SOCKET_PATH</c>.
/// </summary>
internal static class EpollRelay
{
    private const int BufferSize = 16 * 1024;

    /// <summary>The sockets by descriptor, kept referenced so that they are not finalized while epoll uses
    /// them.</summary>
    private static readonly ConcurrentDictionary<int, (Socket Self, Socket Peer, int PeerFd)> Pairs = new();

    public static void Run(int listenPort, string backend)
    {
        var epoll = StartEpollLoop("epoll relay", Loop);
        RelayEndpoints.AcceptNonBlockingPairs(listenPort, backend, "epoll relay", (client, server) =>
        {
            int clientFd = (int)client.Handle, serverFd = (int)server.Handle;
            Pairs[clientFd] = (client, server, serverFd);
            Pairs[serverFd] = (server, client, clientFd);
            Register(epoll, clientFd);
            Register(epoll, serverFd);
        });
    }

    private static void Loop(int epoll)
    {
        var events = new EpollEvent[256];
        var buffer = new byte[BufferSize];
        while (true)
        {
            var ready = Wait(epoll, events);
            for (var i = 0; i < ready; i++)
            {
                var fd = (int)events[i].Data;
                if (!Pairs.TryGetValue(fd, out var pair))
                    continue;
                var received = recv(fd, ref buffer[0], buffer.Length, 0);
                if (received < 0 && Marshal.GetLastPInvokeError() == EAgain)
                    continue;
                if (received <= 0 || !SendAll(pair.PeerFd, buffer, (int)received))
                    Close(epoll, fd, pair);
            }
        }
    }

    private static void Close(int epoll, int fd, (Socket Self, Socket Peer, int PeerFd) pair)
    {
        Unregister(epoll, fd);
        Unregister(epoll, pair.PeerFd);
        Pairs.TryRemove(fd, out _);
        Pairs.TryRemove(pair.PeerFd, out _);
        pair.Self.Dispose();
        pair.Peer.Dispose();
    }
}
