using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Switchyard.Benchmarks.Floor;

/// <summary>
/// <see cref="ByteRelay"/> without .NET's socket engine: one thread waits in its own level-triggered epoll set and
/// moves each message with one recv and one send through the C library, nothing async. What a hand-written data path
/// in C# could save against the socket engine and async state machines (scripts/bench-floor.sh, target
/// <c>epoll</c>). Linux only.
/// Usage: <c>Switchyard.Benchmarks epoll-relay LISTEN_PORT BACKEND_PORT|BACKEND_SOCKET_PATH</c>.
/// </summary>
internal static partial class EpollRelay
{
    private const int BufferSize = 16 * 1024;
    private const uint EpollIn = 0x001, EpollRdHup = 0x2000;
    private const int EpollCtlAdd = 1, EpollCtlDel = 2;
    private const int EAgain = 11, EIntr = 4;
    private const short PollOut = 0x004;

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, ref EpollEvent ev);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, [Out] EpollEvent[] events, int maxEvents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, ref byte buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(int fd, ref byte buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(ref PollFd fds, nuint count, int timeout);

    /// <summary>The sockets by descriptor, kept referenced so that they are not finalized while epoll uses
    /// them.</summary>
    private static readonly ConcurrentDictionary<int, (Socket Self, Socket Peer, int PeerFd)> Pairs = new();

    public static void Run(int listenPort, string backend)
    {
        var epoll = epoll_create1(0);
        if (epoll < 0)
            throw new InvalidOperationException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        var loop = new Thread(() => Loop(epoll)) { IsBackground = true, Name = "epoll relay" };
        loop.Start();

        using var listener = RelayEndpoints.Listen(listenPort);
        Console.WriteLine($"epoll relay listening on 127.0.0.1:{listenPort}, forwarding to {backend}");
        while (true)
        {
            var client = listener.Accept();
            client.NoDelay = true;
            var server = RelayEndpoints.NewBackendSocket(backend);
            try
            {
                server.Connect(RelayEndpoints.BackendEndPoint(backend));
            }
            catch (SocketException e)
            {
                Console.Error.WriteLine($"epoll relay: {e.Message}");
                client.Dispose();
                server.Dispose();
                continue;
            }
            client.Blocking = false;
            server.Blocking = false;
            int clientFd = (int)client.Handle, serverFd = (int)server.Handle;
            Pairs[clientFd] = (client, server, serverFd);
            Pairs[serverFd] = (server, client, clientFd);
            Register(epoll, clientFd);
            Register(epoll, serverFd);
        }
    }

    private static void Register(int epoll, int fd)
    {
        var ev = new EpollEvent { Events = EpollIn | EpollRdHup, Data = (ulong)fd };
        if (epoll_ctl(epoll, EpollCtlAdd, fd, ref ev) < 0)
            throw new InvalidOperationException($"epoll_ctl failed: errno {Marshal.GetLastPInvokeError()}");
    }

    private static void Loop(int epoll)
    {
        var events = new EpollEvent[256];
        var buffer = new byte[BufferSize];
        while (true)
        {
            var ready = epoll_wait(epoll, events, events.Length, -1);
            if (ready < 0)
            {
                if (Marshal.GetLastPInvokeError() == EIntr)
                    continue;
                throw new InvalidOperationException($"epoll_wait failed: errno {Marshal.GetLastPInvokeError()}");
            }
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

    private static bool SendAll(int fd, byte[] buffer, int length)
    {
        for (var sent = 0; sent < length;)
        {
            var n = send(fd, ref buffer[sent], length - sent, 0);
            if (n >= 0)
            {
                sent += (int)n;
                continue;
            }
            if (Marshal.GetLastPInvokeError() != EAgain)
                return false;
            // The peer's receive buffer is full: wait until it drains. Blocking the one thread (and every other pair)
            // is acceptable in a floor measurement, where messages are a few hundred bytes.
            var pollFd = new PollFd { Fd = fd, Events = PollOut };
            poll(ref pollFd, 1, -1);
        }
        return true;
    }

    private static void Close(int epoll, int fd, (Socket Self, Socket Peer, int PeerFd) pair)
    {
        var unused = default(EpollEvent);
        epoll_ctl(epoll, EpollCtlDel, fd, ref unused);
        epoll_ctl(epoll, EpollCtlDel, pair.PeerFd, ref unused);
        Pairs.TryRemove(fd, out _);
        Pairs.TryRemove(pair.PeerFd, out _);
        pair.Self.Dispose();
        pair.Peer.Dispose();
    }
}
