using System.Text.RegularExpressions;

namespace Switchyard.Proxy.Configuration;

/// <summary>The keys the loader accepted in each section it read, by path with list indexes removed
/// (<c>rules[].match</c>). Filled only when asked for (<see cref="ConfigLoader.KnownKeys"/>), so tests can prove the
/// JSON Schema names exactly the keys the loader knows.</summary>
internal sealed partial class KeyCatalog
{
    private readonly Dictionary<string, SortedSet<string>> _keys = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, SortedSet<string>> Sections => _keys;

    public void Record(string path, IEnumerable<string> known)
    {
        var key = Index().Replace(path, "[]");
        if (!_keys.TryGetValue(key, out var set))
            _keys[key] = set = new SortedSet<string>(StringComparer.Ordinal);
        set.UnionWith(known);
    }

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex Index();
}
