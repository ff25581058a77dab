using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Switchyard.Proxy.Transport.Epoll;

/// <summary>The C library calls of the proxy's own socket loop (<see cref="EpollLoop"/>): epoll, and recv/send on
/// non-blocking sockets.</summary>
internal static partial class LinuxSocketCalls
{
    public const uint EpollIn = 0x001, EpollOut = 0x004, EpollErr = 0x008, EpollHup = 0x010, EpollRdHup = 0x2000, EpollEt = 1u << 31;
    public const int EpollCtlAdd = 1, EpollCtlDel = 2;
    public const int EAgain = 11, EIntr = 4;
    /// <summary>A peer gone while sending gives EPIPE, not SIGPIPE.</summary>
    public const int MsgNoSignal = 0x4000;

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, ref EpollEvent ev);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_wait(int epfd, ref EpollEvent events, int maxEvents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint recv(int fd, ref byte buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint send(int fd, ref byte buffer, nint length, int flags);

    /// <summary>The exception .NET's socket engine would raise for <paramref name="errno"/> (Linux numbering), so
    /// that callers see the same error codes and messages whichever engine moved the bytes.</summary>
    public static SocketException Error(int errno) => new((int)(errno switch
    {
        104 => SocketError.ConnectionReset,
        32 => SocketError.Shutdown,
        103 => SocketError.ConnectionAborted,
        107 => SocketError.NotConnected,
        110 => SocketError.TimedOut,
        111 => SocketError.ConnectionRefused,
        113 => SocketError.HostUnreachable,
        101 => SocketError.NetworkUnreachable,
        9 => SocketError.OperationAborted,
        _ => SocketError.SocketError,
    }));
}
