using System.Text;
using Switchyard.Protocol.Authentication;
using Switchyard.Protocol.Handshake;
using Switchyard.Protocol.Responses;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.Handshake;

public sealed class InitialHandshakeTests
{
    private static byte[] RealGreeting() => Vectors.LoadPayload(Vectors.Manifest.Login.Greeting);

    [Fact]
    public void Parse_RealMariaDb1011Greeting_ReadsEveryField()
    {
        var login = Vectors.Manifest.Login;

        var greeting = InitialHandshake.Parse(RealGreeting());

        // Expectations decoded by hand from Vectors/login_greeting.hex and from the server's own
        // SELECT VERSION(), CONNECTION_ID() on that very connection.
        Assert.Equal("5.5.5-" + login.ServerVersion, greeting.ServerVersion);
        Assert.Equal(login.ConnectionId, greeting.ConnectionId);
        Assert.Equal("%b=LDO@3}=Y(XcjjUL[g", Encoding.ASCII.GetString(greeting.Scramble));
        Assert.Equal((CapabilityFlags)0x81FFF7FE, greeting.Capabilities);
        Assert.True(greeting.IsMariaDb);
        Assert.Equal(MariaDbCapabilityFlags.Progress | MariaDbCapabilityFlags.StmtBulkOperations
            | MariaDbCapabilityFlags.ExtendedTypeInfo | MariaDbCapabilityFlags.CacheMetadata, greeting.MariaDbCapabilities);
        Assert.Equal(45, greeting.CharacterSet); // utf8mb4_general_ci (--character-set-server=utf8mb4)
        Assert.Equal(ServerStatusFlags.Autocommit, greeting.Status);
        Assert.Equal(AuthPlugins.NativePassword, greeting.AuthPluginName);
        foreach (var cap in new[] { CapabilityFlags.Protocol41, CapabilityFlags.SecureConnection, CapabilityFlags.PluginAuth,
                     CapabilityFlags.DeprecateEof, CapabilityFlags.SessionTrack, CapabilityFlags.MultiResults,
                     CapabilityFlags.PreparedStatementMultiResults, CapabilityFlags.ConnectAttributes })
            Assert.True(greeting.Capabilities.HasFlag(cap), cap.ToString());
    }

    [Fact]
    public void Serialize_ParsedRealGreeting_ReproducesTheServerBytes()
    {
        var payload = RealGreeting();

        Assert.Equal(payload, InitialHandshake.Parse(payload).Serialize());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Serialize_ThenParse_RoundTrips(bool mariaDb)
    {
        var caps = CapabilityFlags.Protocol41 | CapabilityFlags.SecureConnection | CapabilityFlags.PluginAuth
            | CapabilityFlags.DeprecateEof | CapabilityFlags.SessionTrack | CapabilityFlags.Transactions
            | (mariaDb ? 0 : CapabilityFlags.LongPassword);
        var original = new InitialHandshake
        {
            ServerVersion = "5.5.5-10.11.19-MariaDB-switchyard",
            ConnectionId = 0xDEADBEEF,
            Scramble = NativePassword.CreateScramble(),
            Capabilities = caps,
            MariaDbCapabilities = MariaDbCapabilityFlags.Progress | MariaDbCapabilityFlags.CacheMetadata,
            CharacterSet = 45,
            Status = ServerStatusFlags.Autocommit | ServerStatusFlags.InTransaction,
            AuthPluginName = AuthPlugins.NativePassword,
        };

        var parsed = InitialHandshake.Parse(original.Serialize());

        Assert.Equal(original.ServerVersion, parsed.ServerVersion);
        Assert.Equal(original.ConnectionId, parsed.ConnectionId);
        Assert.Equal(original.Scramble, parsed.Scramble);
        Assert.Equal(original.Capabilities, parsed.Capabilities);
        Assert.Equal(mariaDb, parsed.IsMariaDb);
        // MySQL-style greetings (LONG_PASSWORD set) carry no MariaDB capabilities.
        Assert.Equal(mariaDb ? original.MariaDbCapabilities : MariaDbCapabilityFlags.None, parsed.MariaDbCapabilities);
        Assert.Equal(original.CharacterSet, parsed.CharacterSet);
        Assert.Equal(original.Status, parsed.Status);
        Assert.Equal(original.AuthPluginName, parsed.AuthPluginName);
    }

    [Fact]
    public void Serialize_ScrambleNotTwentyBytes_ThrowsArgumentException()
    {
        var greeting = new InitialHandshake { ServerVersion = "x", ConnectionId = 1, Scramble = new byte[8], Capabilities = CapabilityFlags.Protocol41 };

        Assert.Throws<ArgumentException>(() => greeting.Serialize());
    }

    [Fact]
    public void Parse_ErrInsteadOfGreeting_ThrowsProtocolExceptionWithTheServerMessage()
    {
        // What a server sends to a blocked host: ERR without SQL state, before any handshake.
        var payload = Packets.Hex("ff6a04").Concat("Host '10.0.0.9' is blocked"u8.ToArray()).ToArray();

        var error = Assert.Throws<ProtocolException>(() => InitialHandshake.Parse(payload));

        Assert.Contains("1130", error.Message);
        Assert.Contains("is blocked", error.Message);
    }

    [Fact]
    public void Parse_ProtocolVersion9_ThrowsProtocolException()
    {
        var payload = RealGreeting();
        payload[0] = 9;

        Assert.Throws<ProtocolException>(() => InitialHandshake.Parse(payload));
    }

    [Fact]
    public void Parse_EveryTruncationOfTheRealGreeting_ThrowsOnlyProtocolException()
    {
        var payload = RealGreeting();

        for (var length = 0; length < payload.Length; length++)
        {
            var prefix = payload[..length];
            try
            {
                InitialHandshake.Parse(prefix);
            }
            catch (ProtocolException)
            {
                // A short greeting is a protocol error; any other exception type would be a crash.
            }
        }
    }
}
