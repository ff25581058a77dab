using System.IO.Hashing;
using System.Text;

namespace Switchyard.Routing.Regions;

/// <summary>
/// Which region is a user's home: an explicit map entry wins; otherwise rendezvous (highest-random-weight) hashing
/// of the user key over the configured regions. Rendezvous hashing moves only the users the new region wins when
/// a region is added (about 1/(n+1) of them) and none between the old regions; the hash is seeded with a constant,
/// so every proxy with the same region list agrees, across restarts and instances.
/// </summary>
public sealed class HomeRegions
{
    // Fixed forever: changing it would re-home every user.
    private const long Seed = 0x5357_5943_4859_4152; // "SWYCHYAR"
    private readonly string[] _regions;
    private readonly byte[][] _regionBytes;
    private readonly IReadOnlyDictionary<string, string> _explicit;

    public HomeRegions(IReadOnlyList<string> regions, IReadOnlyDictionary<string, string>? explicitHomes = null)
    {
        if (regions.Count == 0)
            throw new ArgumentException("at least one region is needed", nameof(regions));
        _regions = [.. regions];
        _regionBytes = [.. _regions.Select(r => Encoding.UTF8.GetBytes(r))];
        _explicit = explicitHomes ?? new Dictionary<string, string>();
    }

    public IReadOnlyList<string> Regions => _regions;

    /// <summary>The home region of <paramref name="userKey"/>.</summary>
    public string Of(string userKey)
    {
        if (_explicit.TryGetValue(userKey, out var home))
            return home;
        // Keys are short (user ids): hashed from the stack, so a statement's home costs no allocation.
        var length = Encoding.UTF8.GetByteCount(userKey);
        Span<byte> key = length <= 128 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(userKey, key);
        Span<byte> buffer = stackalloc byte[256];
        var best = 0;
        ulong bestScore = 0;
        for (var i = 0; i < _regions.Length; i++)
        {
            var score = Score(key, _regionBytes[i], buffer);
            // Ties (astronomically rare) go to the name that sorts first, so the answer never depends on list order.
            if (i == 0 || score > bestScore || score == bestScore && string.CompareOrdinal(_regions[i], _regions[best]) < 0)
            {
                best = i;
                bestScore = score;
            }
        }
        return _regions[best];
    }

    private static ulong Score(ReadOnlySpan<byte> key, byte[] region, Span<byte> buffer)
    {
        var length = key.Length + 1 + region.Length;
        var input = length <= buffer.Length ? buffer[..length] : new byte[length];
        key.CopyTo(input);
        input[key.Length] = 0; // separator: ("ab","c") and ("a","bc") must not score alike
        region.CopyTo(input[(key.Length + 1)..]);
        return XxHash3.HashToUInt64(input, Seed);
    }
}
