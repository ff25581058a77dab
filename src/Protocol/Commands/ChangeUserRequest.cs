using System.Text;
using Switchyard.Protocol.Primitives;

namespace Switchyard.Protocol.Commands;

/// <summary>COM_CHANGE_USER: re-authenticate as another user on the same connection and reset session state.</summary>
/// See https://mariadb.com/kb/en/com_change_user/
public sealed record ChangeUserRequest
{
    public required string UserName { get; init; }
    public required byte[] AuthResponse { get; init; }
    public string? Database { get; init; }
    /// <summary>The new character set / collation, if the client sent one.</summary>
    public ushort? Collation { get; init; }
    public string? AuthPluginName { get; init; }

    public static ChangeUserRequest Parse(ReadOnlySpan<byte> payload, CapabilityFlags clientCapabilities)
    {
        var reader = new PayloadReader(payload);
        if (reader.ReadByte() != (byte)CommandCode.ChangeUser)
            throw new ProtocolException("not a COM_CHANGE_USER packet");
        var user = Encoding.UTF8.GetString(reader.ReadNullTerminatedBytes());
        var auth = (clientCapabilities & CapabilityFlags.SecureConnection) != 0
            ? reader.ReadBytes(reader.ReadByte()).ToArray()
            : reader.ReadNullTerminatedBytes().ToArray();
        var database = reader.IsAtEnd ? "" : Encoding.UTF8.GetString(reader.ReadNullTerminatedOrRestBytes());
        ushort? collation = reader.Remaining >= 2 ? reader.ReadUInt16() : null;
        string? plugin = null;
        if ((clientCapabilities & CapabilityFlags.PluginAuth) != 0 && !reader.IsAtEnd)
            plugin = Encoding.UTF8.GetString(reader.ReadNullTerminatedOrRestBytes());
        return new ChangeUserRequest
        {
            UserName = user,
            AuthResponse = auth,
            Database = database.Length == 0 ? null : database,
            Collation = collation,
            AuthPluginName = plugin,
        };
    }

    public byte[] Serialize(CapabilityFlags clientCapabilities)
    {
        var writer = new PayloadWriter(64).WriteByte((byte)CommandCode.ChangeUser).WriteNullTerminatedString(UserName);
        if ((clientCapabilities & CapabilityFlags.SecureConnection) != 0)
            writer.WriteByte((byte)AuthResponse.Length).WriteBytes(AuthResponse);
        else
            writer.WriteBytes(AuthResponse).WriteByte(0);
        writer.WriteNullTerminatedString(Database ?? "");
        if (Collation is { } collation)
            writer.WriteUInt16(collation);
        if ((clientCapabilities & CapabilityFlags.PluginAuth) != 0 && AuthPluginName is not null)
            writer.WriteNullTerminatedString(AuthPluginName);
        return writer.ToArray();
    }
}
