using System.Net.Sockets;
using Switchyard.Proxy.Transport.Epoll;

namespace Switchyard.Proxy.Tests.Transport;

/// <summary>What the loop is for: a socket it connects is watched by its epoll set alone. Were .NET's engine to register
/// the socket too (it does on its first async operation), the engine's thread would wake for every packet as well.</summary>
public sealed class EpollSocketTests
{
    [Fact]
    public async Task ASocketConnectedThroughTheLoopIsInTheLoopsEpollSetOnly()
    {
        using var listener = LoopbackListener.Start(backlog: 2);

        using var onLoop = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var epoll = new EpollSocket(onLoop);
        await epoll.ConnectAsync(listener.LocalEndPoint!, CancellationToken.None);
        // The same count for a socket connected on the engine, then put on the loop: the check sees both sets.
        using var onBoth = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await onBoth.ConnectAsync(listener.LocalEndPoint!);
        using var alsoOnLoop = new EpollSocket(onBoth);

        Assert.Equal(1, EpollSetsWatching((int)onLoop.Handle));
        Assert.Equal(2, EpollSetsWatching((int)onBoth.Handle));
    }

    /// <summary>How many epoll sets of this process watch <paramref name="fd"/> (each set's /proc fdinfo lists its
    /// targets as "tfd: N" lines).</summary>
    private static int EpollSetsWatching(int fd) =>
        Directory.GetFiles("/proc/self/fd")
            .Where(path => new FileInfo(path).LinkTarget == "anon_inode:[eventpoll]")
            .Count(path => ReadLinesOrNone($"/proc/self/fdinfo/{Path.GetFileName(path)}")
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Any(fields => fields.Length > 1 && fields[0] == "tfd:" && fields[1] == fd.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The lines of a /proc file, or none when the descriptor closed meanwhile.</summary>
    private static string[] ReadLinesOrNone(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return [];
        }
    }
}
