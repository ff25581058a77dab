using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Switchyard.Tools.CaptureVectors;

/// <summary>Records a real client's login: the stock `mariadb` command-line client connects through a tiny
/// relay that writes down the greeting, the client's HandshakeResponse and the server's verdict.</summary>
internal static class LoginRecorder
{
    public sealed record Login(RawPacket Greeting, RawPacket Response, RawPacket Result, string ClientOutput);

    public static Login Run(string host, int port, string user, string password, string database)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var relayPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        var psi = new ProcessStartInfo("mariadb")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--no-defaults", "--protocol=tcp", "-h127.0.0.1", $"-P{relayPort}", $"-u{user}", $"-p{password}",
                     $"-D{database}", "--skip-ssl", "-N", "-B", "-e", "SELECT CONNECTION_ID(), VERSION()" })
            psi.ArgumentList.Add(arg);
        using var client = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the mariadb client");

        using var down = listener.AcceptTcpClient();
        listener.Stop();
        using var up = new TcpClient();
        up.Connect(host, port);
        var clientStream = down.GetStream();
        var serverStream = up.GetStream();

        var greeting = Relay(serverStream, clientStream);
        var response = Relay(clientStream, serverStream);
        var result = Relay(serverStream, clientStream);

        // The rest of the session is only passed through.
        var a = serverStream.CopyToAsync(clientStream);
        var b = clientStream.CopyToAsync(serverStream);
        var output = client.StandardOutput.ReadToEnd() + client.StandardError.ReadToEnd();
        if (!client.WaitForExit(30_000))
            throw new InvalidOperationException("mariadb client did not exit");
        up.Client.Shutdown(SocketShutdown.Both);
        down.Client.Shutdown(SocketShutdown.Both);
        try
        {
            Task.WaitAll([a, b], 5_000);
        }
        catch (AggregateException)
        {
        }
        if (client.ExitCode != 0)
            throw new InvalidOperationException($"mariadb client failed: {output}");
        return new Login(greeting, response, result, output.Trim());
    }

    private static RawPacket Relay(NetworkStream from, NetworkStream to)
    {
        var header = new byte[4];
        from.ReadExactly(header);
        var length = header[0] | (header[1] << 8) | (header[2] << 16);
        var raw = new byte[4 + length];
        header.CopyTo(raw, 0);
        from.ReadExactly(raw, 4, length);
        to.Write(raw);
        return new RawPacket(raw);
    }
}
