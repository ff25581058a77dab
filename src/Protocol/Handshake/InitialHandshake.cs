using Switchyard.Protocol.Authentication;
using Switchyard.Protocol.Primitives;
using Switchyard.Protocol.Responses;

namespace Switchyard.Protocol.Handshake;

/// <summary>The server's greeting (HandshakeV10), including MariaDB's extended capabilities.</summary>
/// See https://mariadb.com/kb/en/connection/#initial-handshake-packet
public sealed record InitialHandshake
{
    public const byte ProtocolVersion = 10;

    public required string ServerVersion { get; init; }
    public required uint ConnectionId { get; init; }
    /// <summary>The 20-byte scramble (auth plugin data) without its trailing NUL.</summary>
    public required byte[] Scramble { get; init; }
    public required CapabilityFlags Capabilities { get; init; }
    public MariaDbCapabilityFlags MariaDbCapabilities { get; init; }
    public byte CharacterSet { get; init; }
    public ServerStatusFlags Status { get; init; }
    public string AuthPluginName { get; init; } = AuthPlugins.NativePassword;

    /// <summary>True when the greeting came from MariaDB (it clears CLIENT_LONG_PASSWORD to signal extended caps).</summary>
    public bool IsMariaDb => (Capabilities & CapabilityFlags.LongPassword) == 0;

    public static InitialHandshake Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var protocol = reader.ReadByte();
        if (protocol == 0xFF)
        {
            var error = ErrPacket.Parse(payload, hasSqlState: false);
            throw new ProtocolException($"server refused the connection: {error.ErrorCode} {error.Message}");
        }
        if (protocol != ProtocolVersion)
            throw new ProtocolException($"unsupported protocol version {protocol}");
        var version = reader.ReadNullTerminatedString();
        var connectionId = reader.ReadUInt32();
        var scramble1 = reader.ReadBytes(8);
        reader.Skip(1);
        var capabilities = (uint)reader.ReadUInt16();
        byte charset = 0;
        ushort status = 0;
        var mariaCaps = 0u;
        var pluginDataLength = 0;
        var scramble = scramble1.ToArray();
        var plugin = AuthPlugins.NativePassword;
        if (!reader.IsAtEnd)
        {
            charset = reader.ReadByte();
            status = reader.ReadUInt16();
            capabilities |= (uint)reader.ReadUInt16() << 16;
            pluginDataLength = reader.ReadByte();
            reader.Skip(6);
            var ext = reader.ReadUInt32();
            if ((capabilities & (uint)CapabilityFlags.LongPassword) == 0)
                mariaCaps = ext;
            if ((capabilities & (uint)CapabilityFlags.SecureConnection) != 0)
            {
                var length = Math.Max(13, pluginDataLength - 8);
                var part2 = reader.ReadBytes(Math.Min(length, reader.Remaining));
                var trimmed = part2.Length > 0 && part2[^1] == 0 ? part2[..^1] : part2;
                scramble = [.. scramble1, .. trimmed];
            }
            if ((capabilities & (uint)CapabilityFlags.PluginAuth) != 0 && !reader.IsAtEnd)
                plugin = System.Text.Encoding.UTF8.GetString(reader.ReadNullTerminatedOrRestBytes());
        }
        return new InitialHandshake
        {
            ServerVersion = version,
            ConnectionId = connectionId,
            Scramble = scramble,
            Capabilities = (CapabilityFlags)capabilities,
            MariaDbCapabilities = (MariaDbCapabilityFlags)mariaCaps,
            CharacterSet = charset,
            Status = (ServerStatusFlags)status,
            AuthPluginName = plugin,
        };
    }

    public byte[] Serialize()
    {
        if (Scramble.Length != 20)
            throw new ArgumentException("scramble must be 20 bytes");
        var caps = (uint)Capabilities;
        var writer = new PayloadWriter(128)
            .WriteByte(ProtocolVersion)
            .WriteNullTerminatedString(ServerVersion)
            .WriteUInt32(ConnectionId)
            .WriteBytes(Scramble.AsSpan(0, 8))
            .WriteByte(0)
            .WriteUInt16((ushort)caps)
            .WriteByte(CharacterSet)
            .WriteUInt16((ushort)Status)
            .WriteUInt16((ushort)(caps >> 16))
            .WriteByte(21)
            .WriteZeros(6)
            .WriteUInt32(IsMariaDb ? (uint)MariaDbCapabilities : 0)
            .WriteBytes(Scramble.AsSpan(8))
            .WriteByte(0)
            .WriteNullTerminatedString(AuthPluginName);
        return writer.ToArray();
    }
}
