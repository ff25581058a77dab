using System.Buffers;
using System.Net.Sockets;
using Switchyard.Protocol;
using Switchyard.Protocol.Authentication;
using Switchyard.Protocol.Framing;
using Switchyard.Protocol.Handshake;

namespace Switchyard.Tools.CaptureVectors;

/// <summary>One physical packet exactly as it came off the wire (4-byte header included).</summary>
internal sealed record RawPacket(byte[] Raw)
{
    public int Length => Raw[0] | (Raw[1] << 8) | (Raw[2] << 16);
    public byte SequenceId => Raw[3];
    public ReadOnlySpan<byte> Payload => Raw.AsSpan(4);
}

/// <summary>A blocking raw-socket client that logs in with the codec (HandshakeResponse + NativePassword) and
/// then exchanges raw packets. Deliberately simple: it is a capture tool, not a driver.</summary>
internal sealed class WireConnection : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private WireConnection(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public required InitialHandshake Greeting { get; init; }
    public required RawPacket GreetingPacket { get; init; }
    public required CapabilityFlags Capabilities { get; init; }

    public bool DeprecateEof => (Capabilities & CapabilityFlags.DeprecateEof) != 0;
    public bool SessionTrack => (Capabilities & CapabilityFlags.SessionTrack) != 0;

    public static WireConnection Open(string host, int port, string user, string password, string? database, CapabilityFlags wanted)
    {
        var tcp = new TcpClient { NoDelay = true, ReceiveTimeout = 30_000, SendTimeout = 30_000 };
        tcp.Connect(host, port);
        var probe = new WireConnection(tcp) { Greeting = null!, GreetingPacket = null!, Capabilities = 0 };
        var greetingPacket = probe.ReadPacket();
        var greeting = InitialHandshake.Parse(greetingPacket.Payload);
        var caps = (wanted & greeting.Capabilities) | CapabilityFlags.Protocol41;
        if (database is not null)
            caps |= CapabilityFlags.ConnectWithDb;
        var response = new HandshakeResponse
        {
            Capabilities = caps,
            MariaDbCapabilities = MariaDbCapabilityFlags.None,
            MaxPacketSize = 0x40000000,
            CharacterSet = 45, // utf8mb4_general_ci
            UserName = user,
            AuthResponse = NativePassword.ComputeToken(password, greeting.Scramble),
            Database = database,
            AuthPluginName = AuthPlugins.NativePassword,
        };
        probe.WritePackets((response.Serialize(), 1));
        var reply = probe.ReadPacket();
        if (reply.Payload[0] == 0xFE)
        {
            // Auth switch: answer only mysql_native_password, with the new scramble.
            var sw = AuthSwitchRequest.Parse(reply.Payload);
            if (sw.PluginName != AuthPlugins.NativePassword)
                throw new InvalidOperationException($"server asked for plugin {sw.PluginName}");
            probe.WritePackets((NativePassword.ComputeToken(password, sw.PluginData), (byte)(reply.SequenceId + 1)));
            reply = probe.ReadPacket();
        }
        if (reply.Payload[0] != 0x00)
            throw new InvalidOperationException($"login failed: {Convert.ToHexString(reply.Payload)}");
        return new WireConnection(tcp) { Greeting = greeting, GreetingPacket = greetingPacket, Capabilities = caps };
    }

    public RawPacket ReadPacket()
    {
        var header = new byte[4];
        _stream.ReadExactly(header);
        var length = header[0] | (header[1] << 8) | (header[2] << 16);
        var raw = new byte[4 + length];
        header.CopyTo(raw, 0);
        _stream.ReadExactly(raw, 4, length);
        return new RawPacket(raw);
    }

    /// <summary>Writes each payload as a packet (split at 16 MiB by the codec) in one send, so a command and
    /// its COM_PING sentinel are pipelined.</summary>
    public void WritePackets(params (byte[] Payload, byte SequenceId)[] packets)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var (payload, seq) in packets)
            PacketFramer.WritePacket(output, payload, seq);
        _stream.Write(output.WrittenSpan);
        _stream.Flush();
    }

    public void Dispose()
    {
        try
        {
            WritePackets(([0x01], 0)); // COM_QUIT
        }
        catch (IOException)
        {
        }
        _tcp.Dispose();
    }
}
