using System.Buffers;
using System.Collections.Frozen;
using System.Text;

namespace Switchyard.Routing.Classification;

/// <summary>
/// Case-insensitive lookup of a UTF-8 name in a string-keyed table without creating a string: the bytes
/// are widened into a stack buffer and looked up through the table's span-keyed alternate lookup.
/// </summary>
internal static class AsciiNameLookup
{
    // Longer than any keyword or built-in function name; longer names are simply "not found".
    private const int MaxNameLength = 64;

    /// <summary>Builds a case-insensitive table that <see cref="TryGetValue{T}"/> can search.</summary>
    public static FrozenDictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> Create<T>(
        IEnumerable<KeyValuePair<string, T>> entries) =>
        entries.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Looks up an ASCII name; non-ASCII or over-long names are never found.</summary>
    public static bool TryGetValue<T>(
        FrozenDictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> table, ReadOnlySpan<byte> name, out T value)
    {
        if (name.Length is 0 or > MaxNameLength)
        {
            value = default!;
            return false;
        }

        Span<char> chars = stackalloc char[MaxNameLength];
        if (Ascii.ToUtf16(name, chars, out int written) != OperationStatus.Done)
        {
            value = default!;
            return false;
        }

        return table.TryGetValue(chars.Slice(0, written), out value!);
    }
}
