using System.Net;
using System.Net.Sockets;

namespace Switchyard.Proxy.Tests.Transport;

/// <summary>The peer end for the transport tests.</summary>
internal static class LoopbackListener
{
    /// <summary>A TCP socket listening on 127.0.0.1, on a port the kernel chose.</summary>
    public static Socket Start(int backlog = 1)
    {
        var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(backlog);
        return listener;
    }
}
