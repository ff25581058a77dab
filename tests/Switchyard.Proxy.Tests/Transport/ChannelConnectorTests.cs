using System.Net;
using System.Net.Sockets;
using Switchyard.Proxy.Transport;

namespace Switchyard.Proxy.Tests.Transport;

/// <summary>Connecting gives the errors the proxy names to clients (connection refused, no socket file) on whichever
/// socket engine is in use, and a connection that works both ways.</summary>
public sealed class ChannelConnectorTests
{
    [Fact]
    public async Task AConnectionCarriesBytesBothWays()
    {
        using var listener = LoopbackListener.Start();
        var accept = listener.AcceptAsync();

        await using var channel = await ChannelConnector.ConnectAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndPoint!).Port, null, CancellationToken.None);
        using var peer = await accept;
        await channel.WritePacketAsync(new byte[] { 3, 1, 2 }, 0, CancellationToken.None);
        var buffer = new byte[7];
        var received = 0;
        while (received < buffer.Length)
            received += await peer.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None);
        await peer.SendAsync(new byte[] { 1, 0, 0, 1, 9 }, SocketFlags.None);
        var (payload, sequenceId, _) = await channel.ReadPacketAsync(1024, CancellationToken.None);

        Assert.Equal(new byte[] { 3, 0, 0, 0, 3, 1, 2 }, buffer);
        Assert.Equal(new byte[] { 9 }, payload);
        Assert.Equal(1, sequenceId);
    }

    [Fact]
    public async Task APortNobodyListensOnIsConnectionRefused()
    {
        int port;
        using (var probe = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var error = await Assert.ThrowsAsync<SocketException>(() => ChannelConnector.ConnectAsync("127.0.0.1", port, null, CancellationToken.None));

        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    [Fact]
    public async Task AMissingUnixSocketFileIsAddressNotAvailable()
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchyard-missing-{Guid.NewGuid():N}.sock");

        var error = await Assert.ThrowsAsync<SocketException>(() => ChannelConnector.ConnectAsync(null, 0, path, CancellationToken.None));

        Assert.Equal(SocketError.AddressNotAvailable, error.SocketErrorCode);
    }
}
