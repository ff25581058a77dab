using System.Net.Sockets;
using Switchyard.Proxy.Hosting;

namespace Switchyard.Benchmarks.Floor;

/// <summary>
/// The floor a proxy on .NET sockets cannot go below: one client connection relayed to one backend connection,
/// bytes copied as they come, nothing parsed, nothing pooled. Same socket engine settings as the proxy (inline
/// completions, one engine thread per two cores), so <c>scripts/bench-floor.sh</c> can show how much of the proxy's
/// CPU per statement is the kernel's two extra loopback hops and how much is the proxy's own work.
/// Usage: <c>Switchyard.Benchmarks relay LISTEN_PORT BACKEND_PORT|BACKEND_SOCKET_PATH</c>.
/// </summary>
internal static class ByteRelay
{
    private const int BufferSize = 16 * 1024;

    public static async Task RunAsync(int listenPort, string backend)
    {
        SocketEngineTuning.Apply();
        using var listener = RelayEndpoints.Listen(listenPort);
        Console.WriteLine($"relay listening on 127.0.0.1:{listenPort}, forwarding to {backend}");
        while (true)
        {
            var client = await listener.AcceptAsync();
            _ = RelayAsync(client, backend);
        }
    }

    private static async Task RelayAsync(Socket client, string backend)
    {
        using (client)
        {
            client.NoDelay = true;
            using var server = RelayEndpoints.NewBackendSocket(backend);
            try
            {
                await server.ConnectAsync(RelayEndpoints.BackendEndPoint(backend));
                await Task.WhenAny(CopyAsync(client, server), CopyAsync(server, client));
            }
            catch (SocketException e)
            {
                Console.Error.WriteLine($"relay: {e.Message}");
            }
        }
    }

    private static async Task CopyAsync(Socket from, Socket to)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                    return;
                for (var sent = 0; sent < read;)
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None);
            }
        }
        catch (SocketException)
        {
            // Either side closed: the other copy ends when its socket is disposed.
        }
    }
}
