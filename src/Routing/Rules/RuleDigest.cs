using System.Text;
using Switchyard.Routing.Digests;

namespace Switchyard.Routing.Rules;

/// <summary>A digest named by a rule. The configuration may give it with or without literal values
/// (<c>SELECT * FROM t WHERE id = ?</c> or <c>select * from t where id=5</c>): it is normalised once, when the
/// rule is loaded, exactly as statements are normalised, so the two hashes compare directly.</summary>
internal readonly record struct RuleDigest(ulong Hash, string Text)
{
    public static bool TryCreate(string text, out RuleDigest digest)
    {
        var buffer = new byte[QueryDigest.DefaultMaxLength];
        var hash = QueryDigest.Normalize(Encoding.UTF8.GetBytes(text), buffer, out var written);
        digest = new RuleDigest(hash, Encoding.UTF8.GetString(buffer, 0, written));
        return written > 0;
    }

    /// <summary>The hash of a statement's digest, the way the matcher computes it when the caller has none.
    /// Uses the same buffer size as <see cref="TryCreate"/>, so a digest cut at that size still compares equal.</summary>
    public static ulong HashOf(ReadOnlySpan<byte> sql, bool noBackslashEscapes)
    {
        Span<byte> buffer = stackalloc byte[QueryDigest.DefaultMaxLength];
        return QueryDigest.Normalize(sql, buffer, out _, backslashEscapes: !noBackslashEscapes);
    }
}
