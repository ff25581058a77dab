using Switchyard.Protocol.Authentication;
using Switchyard.Proxy.Configuration;

namespace Switchyard.Proxy.Sessions;

/// <summary>The client users the proxy accepts, checked with mysql_native_password against stored double SHA1s.
/// A configuration reload swaps the whole table at once (<see cref="Replace"/>): the next authentication sees the
/// new users, and sessions already authenticated keep running.</summary>
internal sealed class UserDirectory(IReadOnlyList<UserConfig> users)
{
    private volatile Dictionary<string, UserConfig> _users = ToTable(users);

    /// <summary>A hash no token can match, so an unknown user costs the same work as a wrong password.</summary>
    private static readonly byte[] Unmatchable = NativePassword.DoubleSha1(Guid.NewGuid().ToString());

    public bool Verify(string user, ReadOnlySpan<byte> token, ReadOnlySpan<byte> scramble)
    {
        var known = _users.TryGetValue(user, out var config);
        var ok = NativePassword.Verify(token, scramble, known ? config!.PasswordDoubleSha1 : Unmatchable);
        return known && ok;
    }

    public bool Exists(string user) => _users.ContainsKey(user);

    /// <summary>Replaces every user at once (a reloaded configuration); never partially visible.</summary>
    public void Replace(IReadOnlyList<UserConfig> users) => _users = ToTable(users);

    private static Dictionary<string, UserConfig> ToTable(IReadOnlyList<UserConfig> users) => users.ToDictionary(u => u.Name, StringComparer.Ordinal);
}
