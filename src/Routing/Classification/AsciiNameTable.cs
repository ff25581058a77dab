using System.Text;

namespace Switchyard.Routing.Classification;

/// <summary>
/// A fixed, case-insensitive table of ASCII names (keywords, built-in functions) looked up by the UTF-8 bytes
/// of a word straight from the statement. The classifier and the digest look up several words of every
/// statement, so the lookup hashes the bytes in place: no string, no widening to UTF-16, one probe in the
/// common case.
/// </summary>
/// <remarks>Only ASCII letters fold case; a word with any other byte that differs, or any non-ASCII byte, is not
/// found. Open addressing with linear probing over a table at most a quarter full.</remarks>
internal sealed class AsciiNameTable<T>
{
    private readonly byte[]?[] _names;
    private readonly T[] _values;
    private readonly int _mask;
    // A longer word (a long identifier) is not hashed at all.
    private readonly int _longest;

    public AsciiNameTable(IEnumerable<KeyValuePair<string, T>> entries)
    {
        var list = entries.ToList();
        var size = 16;
        while (size < list.Count * 4)
            size *= 2;
        _names = new byte[]?[size];
        _values = new T[size];
        _mask = size - 1;
        foreach (var (name, value) in list)
        {
            if (name.Length == 0 || !Ascii.IsValid(name))
                throw new ArgumentException($"'{name}' is not a non-empty ASCII name", nameof(entries));
            var upper = Encoding.ASCII.GetBytes(name.ToUpperInvariant());
            _longest = Math.Max(_longest, upper.Length);
            var slot = Find(upper, Hash(upper));
            // A name given twice: the later value wins, as in a dictionary initialiser.
            _names[slot] = upper;
            _values[slot] = value;
        }
    }

    /// <summary>Looks up <paramref name="name"/> ignoring ASCII case.</summary>
    public bool TryGetValue(ReadOnlySpan<byte> name, out T value)
    {
        if (name.Length > 0 && name.Length <= _longest)
        {
            var slot = Find(name, Hash(name));
            if (_names[slot] is not null)
            {
                value = _values[slot];
                return true;
            }
        }
        value = default!;
        return false;
    }

    /// <summary>The slot holding <paramref name="name"/>, or the empty slot where it would go.</summary>
    private int Find(ReadOnlySpan<byte> name, uint hash)
    {
        var slot = (int)(hash & (uint)_mask);
        while (_names[slot] is { } stored && (stored.Length != name.Length || !Ascii.EqualsIgnoreCase(stored, name)))
            slot = (slot + 1) & _mask;
        return slot;
    }

    // FNV-1a over the bytes with ASCII letters upper-cased: equal names in any case hash alike.
    private static uint Hash(ReadOnlySpan<byte> name)
    {
        var hash = 2166136261u;
        foreach (var b in name)
            hash = (hash ^ ((uint)(b - 'a') <= 'z' - 'a' ? (uint)b - 32 : b)) * 16777619u;
        return hash ^ (hash >> 15);
    }
}
