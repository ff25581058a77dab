using System.Text;
using Switchyard.Protocol.Authentication;
using Switchyard.Protocol.Handshake;
using Switchyard.Protocol.Primitives;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.Handshake;

public sealed class HandshakeResponseTests
{
    private const CapabilityFlags Required = CapabilityFlags.Protocol41 | CapabilityFlags.SecureConnection | CapabilityFlags.Transactions;

    private static byte[] RealResponse() => Vectors.LoadPayload(Vectors.Manifest.Login.Response);

    [Fact]
    public void Parse_RealMariaDbClientResponse_ReadsEveryField()
    {
        var login = Vectors.Manifest.Login;

        var response = HandshakeResponse.Parse(RealResponse());

        // Decoded by hand from Vectors/login_response.hex (the stock mariadb client, libmariadb 3.3).
        Assert.Equal((CapabilityFlags)0x00BFA28C, response.Capabilities);
        Assert.Equal(MariaDbCapabilityFlags.Progress | MariaDbCapabilityFlags.StmtBulkOperations
            | MariaDbCapabilityFlags.ExtendedTypeInfo | MariaDbCapabilityFlags.CacheMetadata, response.MariaDbCapabilities);
        Assert.Equal(0x00100000u, response.MaxPacketSize); // bytes 00 00 10 00: 1 MiB
        Assert.Equal(33, response.CharacterSet);
        Assert.Equal(login.User, response.UserName);
        Assert.Equal(login.Database, response.Database);
        Assert.Equal(AuthPlugins.NativePassword, response.AuthPluginName);
        Assert.Equal(20, response.AuthResponse.Length);
        var attributes = Encoding.UTF8.GetString(response.ConnectionAttributes!);
        Assert.Contains("_client_name\nlibmariadb", attributes);
        Assert.Contains("program_name\u0005mysql", attributes);
    }

    [Fact]
    public void Serialize_ParsedRealClientResponse_ReproducesTheClientBytes()
    {
        var payload = RealResponse();

        Assert.Equal(payload, HandshakeResponse.Parse(payload).Serialize());
    }

    public static TheoryData<bool, bool, bool, bool, bool> Variants()
    {
        var data = new TheoryData<bool, bool, bool, bool, bool>();
        foreach (var withDb in new[] { false, true })
        foreach (var pluginAuth in new[] { false, true })
        foreach (var attributes in new[] { false, true })
        foreach (var lenencAuth in new[] { false, true })
        foreach (var mariaDbCaps in new[] { false, true })
            data.Add(withDb, pluginAuth, attributes, lenencAuth, mariaDbCaps);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Serialize_ThenParse_RoundTrips(bool withDb, bool pluginAuth, bool attributes, bool lenencAuth, bool mariaDbCaps)
    {
        var caps = Required
            | (withDb ? CapabilityFlags.ConnectWithDb : 0)
            | (pluginAuth ? CapabilityFlags.PluginAuth : 0)
            | (attributes ? CapabilityFlags.ConnectAttributes : 0)
            | (lenencAuth ? CapabilityFlags.PluginAuthLengthEncodedClientData : 0)
            | (mariaDbCaps ? 0 : CapabilityFlags.LongPassword); // MariaDB clients clear LONG_PASSWORD to send extended caps
        // Length-encoded auth data may be longer than 250 bytes (0xFC prefix); the 1-byte length form may not.
        var auth = lenencAuth ? Enumerable.Range(0, 300).Select(i => (byte)i).ToArray() : NativePassword.ComputeToken("pw", NativePassword.CreateScramble());
        var attributeBlock = new PayloadWriter().WriteLengthEncodedString("_client_name").WriteLengthEncodedString("switchyard-test").ToArray();
        var original = new HandshakeResponse
        {
            Capabilities = caps,
            MariaDbCapabilities = MariaDbCapabilityFlags.Progress | MariaDbCapabilityFlags.ExtendedTypeInfo,
            MaxPacketSize = 0x01000000,
            CharacterSet = 45,
            UserName = "app_ü",
            AuthResponse = auth,
            Database = withDb ? "shop" : null,
            AuthPluginName = pluginAuth ? AuthPlugins.NativePassword : null,
            ConnectionAttributes = attributes ? attributeBlock : null,
        };

        var parsed = HandshakeResponse.Parse(original.Serialize());

        Assert.Equal(caps, parsed.Capabilities);
        Assert.Equal(mariaDbCaps ? original.MariaDbCapabilities : MariaDbCapabilityFlags.None, parsed.MariaDbCapabilities);
        Assert.Equal(original.MaxPacketSize, parsed.MaxPacketSize);
        Assert.Equal(original.CharacterSet, parsed.CharacterSet);
        Assert.Equal(original.UserName, parsed.UserName);
        Assert.Equal(auth, parsed.AuthResponse);
        Assert.Equal(original.Database, parsed.Database);
        Assert.Equal(original.AuthPluginName, parsed.AuthPluginName);
        Assert.Equal(original.ConnectionAttributes, parsed.ConnectionAttributes);
    }

    [Fact]
    public void Parse_EmptyAuthResponse_ReadsEmptyToken()
    {
        var original = new HandshakeResponse { Capabilities = Required | CapabilityFlags.PluginAuthLengthEncodedClientData, UserName = "root" };

        var parsed = HandshakeResponse.Parse(original.Serialize());

        Assert.Equal("root", parsed.UserName);
        Assert.Empty(parsed.AuthResponse);
    }

    [Fact]
    public void Parse_WithoutProtocol41_ThrowsProtocolException()
    {
        var payload = new HandshakeResponse { Capabilities = CapabilityFlags.SecureConnection, UserName = "app" }.Serialize();

        Assert.Throws<ProtocolException>(() => HandshakeResponse.Parse(payload));
    }

    [Fact]
    public void Parse_EveryTruncationOfTheRealResponse_ThrowsOnlyProtocolException()
    {
        var payload = RealResponse();
        for (var length = 0; length < payload.Length; length++)
        {
            var prefix = payload[..length];
            try
            {
                HandshakeResponse.Parse(prefix);
            }
            catch (ProtocolException)
            {
            }
        }
    }

    /// <summary>The 32-byte SSLRequest: the fixed part of a HandshakeResponse41 alone, with CLIENT_SSL.</summary>
    private static byte[] SslRequest(CapabilityFlags caps) =>
        new PayloadWriter().WriteUInt32((uint)caps).WriteUInt32(0x01000000).WriteByte(45).WriteZeros(19).WriteUInt32(0).ToArray();

    [Fact]
    public void IsSslRequest_ThirtyTwoBytesWithClientSsl_IsTrueAndParsesAsFixedPartOnly()
    {
        var payload = SslRequest(Required | CapabilityFlags.Ssl | CapabilityFlags.PluginAuth);

        Assert.Equal(HandshakeResponse.FixedPartLength, payload.Length);
        Assert.True(HandshakeResponse.IsSslRequest(payload));
        var parsed = HandshakeResponse.Parse(payload);
        Assert.True(parsed.Capabilities.HasFlag(CapabilityFlags.Ssl));
        Assert.Equal(45, parsed.CharacterSet);
        Assert.Equal("", parsed.UserName);
        Assert.Empty(parsed.AuthResponse);
    }

    [Fact]
    public void IsSslRequest_ThirtyTwoBytesWithoutClientSsl_IsFalse()
    {
        Assert.False(HandshakeResponse.IsSslRequest(SslRequest(Required)));
    }

    [Fact]
    public void IsSslRequest_FullResponseWithClientSsl_IsFalse()
    {
        var full = new HandshakeResponse { Capabilities = Required | CapabilityFlags.Ssl, UserName = "app", AuthResponse = new byte[20] }.Serialize();

        Assert.False(HandshakeResponse.IsSslRequest(full));
        Assert.False(HandshakeResponse.IsSslRequest(RealResponse()));
        Assert.False(HandshakeResponse.IsSslRequest(SslRequest(Required | CapabilityFlags.Ssl)[..31]));
    }
}
