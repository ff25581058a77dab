using Switchyard.Protocol.Authentication;
using Switchyard.Protocol.Handshake;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.Handshake;

public sealed class AuthSwitchRequestTests
{
    [Fact]
    public void Serialize_ThenParse_RoundTrips()
    {
        var original = new AuthSwitchRequest(AuthPlugins.NativePassword, NativePassword.CreateScramble());

        var bytes = original.Serialize();
        var parsed = AuthSwitchRequest.Parse(bytes);

        Assert.Equal(AuthSwitchRequest.Header, bytes[0]);
        Assert.Equal(0, bytes[^1]);
        Assert.Equal(original.PluginName, parsed.PluginName);
        Assert.Equal(original.PluginData, parsed.PluginData);
    }

    [Fact]
    public void Parse_WireBytes_ReadsNameAndScrambleWithoutTheTrailingNul()
    {
        // fe "mysql_native_password" 00 <20-byte scramble> 00, as MariaDB sends it.
        var payload = Packets.Hex("fe 6d7973716c5f6e61746976655f70617373776f726400 3031323334353637383961626364656667686970 00");

        var request = AuthSwitchRequest.Parse(payload);

        Assert.Equal(AuthPlugins.NativePassword, request.PluginName);
        Assert.Equal("0123456789abcdefghip"u8.ToArray(), request.PluginData);
    }

    [Fact]
    public void Parse_NameOnly_HasNoPluginData()
    {
        var payload = Packets.Hex("fe 6d7973716c5f636c6561725f70617373776f726400");

        var request = AuthSwitchRequest.Parse(payload);

        Assert.Equal(AuthPlugins.ClearPassword, request.PluginName);
        Assert.Empty(request.PluginData);
    }

    [Fact]
    public void Parse_NotAnAuthSwitch_ThrowsProtocolException()
    {
        Assert.Throws<ProtocolException>(() => AuthSwitchRequest.Parse(Packets.Hex("0000000200")));
        Assert.Throws<ProtocolException>(() => AuthSwitchRequest.Parse([]));
    }
}
