using System.Runtime.InteropServices;
using static Switchyard.Proxy.Transport.Epoll.LinuxSocketCalls;

namespace Switchyard.Benchmarks.Floor;

/// <summary>The C library calls the epoll-based floor relays make directly, without .NET's socket engine: the proxy's
/// own (<see cref="Switchyard.Proxy.Transport.Epoll.LinuxSocketCalls"/>), and poll, with helpers around them.</summary>
internal static partial class Libc
{
    public const short PollOut = 0x004;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial int poll(ref PollFd fds, nuint count, int timeout);

    /// <summary>Creates an epoll set and runs <paramref name="loop"/> on it on a background thread of its own;
    /// returns the set, for registering descriptors.</summary>
    public static int StartEpollLoop(string name, Action<int> loop)
    {
        var epoll = epoll_create1(0);
        if (epoll < 0)
            throw new InvalidOperationException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        new Thread(() => loop(epoll)) { IsBackground = true, Name = name }.Start();
        return epoll;
    }

    public static void Register(int epoll, int fd)
    {
        var ev = new EpollEvent { Events = EpollIn | EpollRdHup, Data = (ulong)fd };
        if (epoll_ctl(epoll, EpollCtlAdd, fd, ref ev) < 0)
            throw new InvalidOperationException($"epoll_ctl failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public static void Unregister(int epoll, int fd)
    {
        var unused = default(EpollEvent);
        epoll_ctl(epoll, EpollCtlDel, fd, ref unused);
    }

    /// <summary>Waits for ready descriptors; 0 after an interrupted wait.</summary>
    public static int Wait(int epoll, EpollEvent[] events)
    {
        var ready = epoll_wait(epoll, ref events[0], events.Length, -1);
        if (ready >= 0)
            return ready;
        if (Marshal.GetLastPInvokeError() == EIntr)
            return 0;
        throw new InvalidOperationException($"epoll_wait failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Sends everything on a non-blocking socket; false when the connection failed.</summary>
    public static bool SendAll(int fd, byte[] buffer, int length)
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
            // The peer's receive buffer is full: wait until it drains. Blocking the one thread (and every other
            // connection) is acceptable in a floor measurement, where messages are a few hundred bytes.
            var pollFd = new PollFd { Fd = fd, Events = PollOut };
            poll(ref pollFd, 1, -1);
        }
        return true;
    }
}
