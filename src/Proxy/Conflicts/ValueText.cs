using System.Globalization;

namespace Switchyard.Proxy.Conflicts;

/// <summary>Renders a column value the same way on every node, so versions compare as text and timestamps order
/// correctly as strings.</summary>
internal static class ValueText
{
    public static string? Render(object? value) => value switch
    {
        null or DBNull => null,
        DateTime time => time.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        DateTimeOffset time => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        bool flag => flag ? "1" : "0",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
