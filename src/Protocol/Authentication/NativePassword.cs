using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Protocol.Authentication;

/// <summary>mysql_native_password: token = SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))).
/// The proxy stores only SHA1(SHA1(pw)) (MySQL's "*HEX" hash) and can still verify a client.</summary>
/// See https://mariadb.com/kb/en/connection/#mysql_native_password-plugin
public static class NativePassword
{
    public const int ScrambleLength = 20;

    public static byte[] ComputeToken(string password, ReadOnlySpan<byte> scramble)
    {
        if (password.Length == 0)
            return [];
        var stage1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
        var stage2 = SHA1.HashData(stage1);
        var mix = MixHash(scramble[..ScrambleLength], stage2);
        for (var i = 0; i < mix.Length; i++)
            mix[i] ^= stage1[i];
        return mix;
    }

    /// <summary>SHA1(SHA1(password)), the value behind MySQL's "*HEX" password hash.</summary>
    public static byte[] DoubleSha1(string password) => SHA1.HashData(SHA1.HashData(Encoding.UTF8.GetBytes(password)));

    /// <summary>Parses "*" + 40 hex digits (as in mysql.user / SHOW GRANTS) into the 20-byte double SHA1.</summary>
    public static bool TryParseHash(string text, out byte[] doubleSha1)
    {
        doubleSha1 = [];
        if (text.Length != 41 || text[0] != '*')
            return false;
        try
        {
            doubleSha1 = Convert.FromHexString(text.AsSpan(1));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static string FormatHash(ReadOnlySpan<byte> doubleSha1) => "*" + Convert.ToHexString(doubleSha1);

    /// <summary>Checks a client's token against the stored double SHA1. An empty stored hash means "no password".</summary>
    public static bool Verify(ReadOnlySpan<byte> token, ReadOnlySpan<byte> scramble, ReadOnlySpan<byte> doubleSha1)
    {
        if (doubleSha1.Length == 0)
            return token.Length == 0;
        if (token.Length != 20 || doubleSha1.Length != 20 || scramble.Length < ScrambleLength)
            return false;
        var candidate = MixHash(scramble[..ScrambleLength], doubleSha1);
        for (var i = 0; i < candidate.Length; i++)
            candidate[i] ^= token[i];
        // candidate is now SHA1(pw) if the token is right.
        return CryptographicOperations.FixedTimeEquals(SHA1.HashData(candidate), doubleSha1);
    }

    public static byte[] CreateScramble()
    {
        // Scramble bytes must not contain NUL ('\0' terminates it in the greeting) and by convention are printable.
        var bytes = RandomNumberGenerator.GetBytes(ScrambleLength);
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)(33 + bytes[i] % 94);
        return bytes;
    }

    private static byte[] MixHash(ReadOnlySpan<byte> scramble, ReadOnlySpan<byte> stage2)
    {
        Span<byte> input = stackalloc byte[ScrambleLength + 20];
        scramble.CopyTo(input);
        stage2.CopyTo(input[ScrambleLength..]);
        return SHA1.HashData(input);
    }
}
