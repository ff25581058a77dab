using System.Security.Cryptography;
using System.Text;
using Switchyard.Protocol.Authentication;
using Switchyard.Protocol.Handshake;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.Authentication;

public sealed class NativePasswordTests
{
    private static readonly byte[] Scramble = "0123456789abcdefghij"u8.ToArray();

    /// <summary>What MariaDB 10.11 answers to SELECT PASSWORD('app') (asked on the local server, and the
    /// authentication_string of app@% in mysql.user).</summary>
    private const string ServerHashOfApp = "*5BCB3E6AC345B435C7C2E6B7949A04CE6F6563D3";

    [Theory]
    // Tokens computed outside .NET (Python hashlib): SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))).
    [InlineData("secret", "f5cac3f3b3df2133feb57db682c71e6ed433a988")]
    [InlineData("app", "3d55d5c3e9a11b7b78481b44f8f9fdb071b1e8bd")]
    public void ComputeToken_KnownPasswordAndScramble_MatchesTheKnownToken(string password, string tokenHex)
    {
        Assert.Equal(Convert.FromHexString(tokenHex), NativePassword.ComputeToken(password, Scramble));
    }

    [Theory]
    [InlineData("app")]
    [InlineData("pässwörd with spaces")]
    [InlineData("x")]
    public void ComputeToken_AnyPassword_FollowsTheAlgorithm(string password)
    {
        var scramble = NativePassword.CreateScramble();
        var stage1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
        var mix = SHA1.HashData([.. scramble, .. SHA1.HashData(stage1)]);
        var expected = stage1.Zip(mix, (a, b) => (byte)(a ^ b)).ToArray();

        Assert.Equal(expected, NativePassword.ComputeToken(password, scramble));
    }

    [Fact]
    public void ComputeToken_ScrambleWithTrailingNul_UsesTheFirstTwentyBytes()
    {
        Assert.Equal(NativePassword.ComputeToken("app", Scramble), NativePassword.ComputeToken("app", [.. Scramble, 0]));
    }

    [Fact]
    public void ComputeToken_EmptyPassword_IsEmpty()
    {
        Assert.Empty(NativePassword.ComputeToken("", Scramble));
    }

    [Fact]
    public void DoubleSha1_App_EqualsMariaDbPasswordFunction()
    {
        Assert.Equal(ServerHashOfApp, NativePassword.FormatHash(NativePassword.DoubleSha1("app")));
        Assert.Equal("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7", NativePassword.FormatHash(NativePassword.DoubleSha1("secret")));
    }

    [Fact]
    public void Verify_RightToken_ReturnsTrue()
    {
        var token = NativePassword.ComputeToken("app", Scramble);

        Assert.True(NativePassword.Verify(token, Scramble, NativePassword.DoubleSha1("app")));
    }

    [Fact]
    public void Verify_WrongPasswordOrScramble_ReturnsFalse()
    {
        var token = NativePassword.ComputeToken("app", Scramble);
        var flipped = token.ToArray();
        flipped[7] ^= 0x01;
        var otherScramble = "0123456789abcdefghiX"u8.ToArray();

        Assert.False(NativePassword.Verify(NativePassword.ComputeToken("ap", Scramble), Scramble, NativePassword.DoubleSha1("app")));
        Assert.False(NativePassword.Verify(flipped, Scramble, NativePassword.DoubleSha1("app")));
        Assert.False(NativePassword.Verify(token, otherScramble, NativePassword.DoubleSha1("app")));
    }

    [Fact]
    public void Verify_EmptyOrShortToken_ReturnsFalse()
    {
        var hash = NativePassword.DoubleSha1("app");
        var token = NativePassword.ComputeToken("app", Scramble);

        Assert.False(NativePassword.Verify([], Scramble, hash));
        Assert.False(NativePassword.Verify(token[..19], Scramble, hash));
        Assert.False(NativePassword.Verify([.. token, 0], Scramble, hash));
        Assert.False(NativePassword.Verify(token, Scramble[..19], hash));
        Assert.False(NativePassword.Verify(token, Scramble, hash[..19]));
    }

    [Fact]
    public void Verify_AccountWithoutPassword_AcceptsOnlyAnEmptyToken()
    {
        Assert.True(NativePassword.Verify([], Scramble, []));
        Assert.False(NativePassword.Verify(NativePassword.ComputeToken("app", Scramble), Scramble, []));
    }

    [Fact]
    public void TryParseHash_ServerHash_ReturnsTheDoubleSha1()
    {
        Assert.True(NativePassword.TryParseHash(ServerHashOfApp, out var hash));
        Assert.Equal(NativePassword.DoubleSha1("app"), hash);
        Assert.True(NativePassword.TryParseHash(ServerHashOfApp.ToLowerInvariant(), out var lower));
        Assert.Equal(hash, lower);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5BCB3E6AC345B435C7C2E6B7949A04CE6F6563D3")]    // no star
    [InlineData("*5BCB3E6AC345B435C7C2E6B7949A04CE6F6563D")]    // 39 digits
    [InlineData("*5BCB3E6AC345B435C7C2E6B7949A04CE6F6563D3A")]  // 41 digits
    [InlineData("*5BCB3E6AC345B435C7C2E6B7949A04CE6F6563DZ")]   // not hex
    [InlineData("#5BCB3E6AC345B435C7C2E6B7949A04CE6F6563D3")]
    public void TryParseHash_Malformed_ReturnsFalse(string text)
    {
        Assert.False(NativePassword.TryParseHash(text, out var hash));
        Assert.Empty(hash);
    }

    [Fact]
    public void CreateScramble_Always_TwentyPrintableBytesWithoutNul()
    {
        for (var i = 0; i < 100; i++)
        {
            var scramble = NativePassword.CreateScramble();
            Assert.Equal(NativePassword.ScrambleLength, scramble.Length);
            Assert.All(scramble, b => Assert.InRange(b, (byte)33, (byte)126));
        }
    }

    /// <summary>End to end: the stock mariadb client logged in as app/app through a recording relay and the server
    /// answered OK (Vectors/login_*.hex). Its token must verify against the stored hash, and ours must equal it.</summary>
    [Fact]
    public void Verify_RealClientTokenForRealGreeting_AcceptsItLikeTheServerDid()
    {
        var login = Vectors.Manifest.Login;
        var greeting = InitialHandshake.Parse(Vectors.LoadPayload(login.Greeting));
        var response = HandshakeResponse.Parse(Vectors.LoadPayload(login.Response));
        var result = Vectors.LoadPayload(login.Result);
        Assert.True(NativePassword.TryParseHash(ServerHashOfApp, out var stored));

        Assert.Equal(0x00, result[0]); // the server's verdict: OK
        Assert.True(NativePassword.Verify(response.AuthResponse, greeting.Scramble, stored));
        Assert.Equal(response.AuthResponse, NativePassword.ComputeToken(login.Password, greeting.Scramble));
        Assert.False(NativePassword.Verify(response.AuthResponse, greeting.Scramble, NativePassword.DoubleSha1("App")));
    }
}
