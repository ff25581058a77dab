using System.Net;
using System.Net.Sockets;
using Switchyard.Proxy.Transport.Epoll;

namespace Switchyard.Proxy.Transport;

/// <summary>Opens the connection a <see cref="PacketChannel"/> runs on: TCP to host:port, or a Unix socket. On the
/// proxy's own loop (<see cref="EpollSocket.IsEnabled"/>) the connect itself goes through it, so that .NET's engine
/// never registers the socket (it would then wake for every packet too).</summary>
internal static class ChannelConnector
{
    /// <summary>Connects to <paramref name="unixPath"/> when given, else to <paramref name="host"/>:<paramref name="port"/>
    /// (each address it resolves to, in order). Failures are SocketExceptions as .NET's connect raises them;
    /// cancellation is an OperationCanceledException.</summary>
    public static async Task<PacketChannel> ConnectAsync(string? host, int port, string? unixPath, CancellationToken cancellationToken)
    {
        if (unixPath is not null)
            return await ConnectAsync(new UnixDomainSocketEndPoint(unixPath), cancellationToken).ConfigureAwait(false);
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host!, cancellationToken).ConfigureAwait(false);
        SocketException? failure = null;
        foreach (var address in addresses)
        {
            try
            {
                return await ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                failure = e;
            }
        }
        throw failure ?? new SocketException((int)SocketError.HostNotFound);
    }

    private static async Task<PacketChannel> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        EpollSocket? epoll = null;
        try
        {
            if (EpollSocket.IsEnabled)
            {
                epoll = new EpollSocket(socket);
                await epoll.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            }
            return new PacketChannel(socket, epoll);
        }
        catch
        {
            epoll?.Dispose();
            socket.Dispose();
            throw;
        }
    }
}
