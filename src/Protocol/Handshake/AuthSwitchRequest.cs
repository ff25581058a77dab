using System.Text;
using Switchyard.Protocol.Primitives;

namespace Switchyard.Protocol.Handshake;

/// <summary>Asks the other side to authenticate again with another plugin (0xFE header).</summary>
/// See https://mariadb.com/kb/en/connection/#authentication-switch-request
public readonly record struct AuthSwitchRequest(string PluginName, byte[] PluginData)
{
    public const byte Header = 0xFE;

    public static AuthSwitchRequest Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        if (reader.ReadByte() != Header)
            throw new ProtocolException("not an auth switch request");
        var name = Encoding.UTF8.GetString(reader.ReadNullTerminatedOrRestBytes());
        var data = reader.ReadRest();
        if (data.Length > 0 && data[^1] == 0)
            data = data[..^1];
        return new AuthSwitchRequest(name, data.ToArray());
    }

    public byte[] Serialize() =>
        new PayloadWriter(64).WriteByte(Header).WriteNullTerminatedString(PluginName).WriteBytes(PluginData).WriteByte(0).ToArray();
}
