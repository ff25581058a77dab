using System.Text;
using Switchyard.Protocol.Authentication;
using Switchyard.Protocol.Primitives;
using Switchyard.Protocol.Responses;

namespace Switchyard.Protocol.Handshake;

/// <summary>The client's HandshakeResponse41 (or, when only 32 bytes with CLIENT_SSL, an SSLRequest).</summary>
/// See https://mariadb.com/kb/en/connection/#client-handshake-response
public sealed record HandshakeResponse
{
    /// <summary>Size of the fixed part; an SSLRequest is exactly this long.</summary>
    public const int FixedPartLength = 32;

    public required CapabilityFlags Capabilities { get; init; }
    public MariaDbCapabilityFlags MariaDbCapabilities { get; init; }
    public uint MaxPacketSize { get; init; } = 0x40000000;
    public byte CharacterSet { get; init; }
    public string UserName { get; init; } = "";
    public byte[] AuthResponse { get; init; } = [];
    public string? Database { get; init; }
    public string? AuthPluginName { get; init; }
    /// <summary>Raw connection attributes block (forwarded only in logs as key names, never values).</summary>
    public byte[]? ConnectionAttributes { get; init; }

    public static bool IsSslRequest(ReadOnlySpan<byte> payload) =>
        payload.Length == FixedPartLength && ((CapabilityFlags)(payload[0] | (payload[1] << 8) | (payload[2] << 16) | (payload[3] << 24)) & CapabilityFlags.Ssl) != 0;

    public static HandshakeResponse Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var caps = (CapabilityFlags)reader.ReadUInt32();
        if ((caps & CapabilityFlags.Protocol41) == 0)
            throw new ProtocolException("client does not support protocol 4.1");
        var maxPacket = reader.ReadUInt32();
        var charset = reader.ReadByte();
        reader.Skip(19);
        var mariaCaps = reader.ReadUInt32();
        if ((caps & CapabilityFlags.LongPassword) != 0)
            mariaCaps = 0;
        if (reader.IsAtEnd)
            return new HandshakeResponse { Capabilities = caps, MariaDbCapabilities = (MariaDbCapabilityFlags)mariaCaps, MaxPacketSize = maxPacket, CharacterSet = charset };

        var user = Encoding.UTF8.GetString(reader.ReadNullTerminatedBytes());
        byte[] auth;
        if ((caps & CapabilityFlags.PluginAuthLengthEncodedClientData) != 0)
            auth = reader.ReadLengthEncodedBytes().ToArray();
        else if ((caps & CapabilityFlags.SecureConnection) != 0)
            auth = reader.ReadBytes(reader.ReadByte()).ToArray();
        else
            auth = reader.ReadNullTerminatedBytes().ToArray();

        string? database = null;
        if ((caps & CapabilityFlags.ConnectWithDb) != 0 && !reader.IsAtEnd)
            database = Encoding.UTF8.GetString(reader.ReadNullTerminatedOrRestBytes());
        string? plugin = null;
        if ((caps & CapabilityFlags.PluginAuth) != 0 && !reader.IsAtEnd)
            plugin = Encoding.UTF8.GetString(reader.ReadNullTerminatedOrRestBytes());
        byte[]? attributes = null;
        if ((caps & CapabilityFlags.ConnectAttributes) != 0 && !reader.IsAtEnd)
            attributes = reader.ReadLengthEncodedBytes().ToArray();

        return new HandshakeResponse
        {
            Capabilities = caps,
            MariaDbCapabilities = (MariaDbCapabilityFlags)mariaCaps,
            MaxPacketSize = maxPacket,
            CharacterSet = charset,
            UserName = user,
            AuthResponse = auth,
            Database = string.IsNullOrEmpty(database) ? null : database,
            AuthPluginName = plugin,
            ConnectionAttributes = attributes,
        };
    }

    public byte[] Serialize()
    {
        var caps = Capabilities;
        var writer = new PayloadWriter(128)
            .WriteUInt32((uint)caps)
            .WriteUInt32(MaxPacketSize)
            .WriteByte(CharacterSet)
            .WriteZeros(19)
            .WriteUInt32((caps & CapabilityFlags.LongPassword) == 0 ? (uint)MariaDbCapabilities : 0)
            .WriteNullTerminatedString(UserName);
        if ((caps & CapabilityFlags.PluginAuthLengthEncodedClientData) != 0)
            writer.WriteLengthEncodedBytes(AuthResponse);
        else
            writer.WriteByte((byte)AuthResponse.Length).WriteBytes(AuthResponse);
        if ((caps & CapabilityFlags.ConnectWithDb) != 0)
            writer.WriteNullTerminatedString(Database ?? "");
        if ((caps & CapabilityFlags.PluginAuth) != 0)
            writer.WriteNullTerminatedString(AuthPluginName ?? AuthPlugins.NativePassword);
        if ((caps & CapabilityFlags.ConnectAttributes) != 0)
            writer.WriteLengthEncodedBytes(ConnectionAttributes ?? []);
        return writer.ToArray();
    }
}
