using System.Globalization;

namespace Switchyard.Routing.Conflicts;

/// <summary>Orders column values as the scanner renders them: NULL first, numbers as numbers, everything else
/// (timestamps rendered as yyyy-MM-dd HH:mm:ss.ffffff, text) ordinally.</summary>
internal static class ValueOrder
{
    public static int Compare(string? a, string? b)
    {
        if (a is null || b is null)
            return a is null ? (b is null ? 0 : -1) : 1;
        if (decimal.TryParse(a, NumberStyles.Number, CultureInfo.InvariantCulture, out var x)
            && decimal.TryParse(b, NumberStyles.Number, CultureInfo.InvariantCulture, out var y))
            return x.CompareTo(y);
        return string.CompareOrdinal(a, b);
    }
}
