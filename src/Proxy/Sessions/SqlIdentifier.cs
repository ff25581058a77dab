using System.Text;

namespace Switchyard.Proxy.Sessions;

/// <summary>Turns an identifier as written in SQL (`my db`, "x" under ANSI_QUOTES, plain) into its name.</summary>
internal static class SqlIdentifier
{
    public static string Unquote(string text)
    {
        var trimmed = text.Trim().TrimEnd(';').Trim();
        if (trimmed.Length >= 2 && (trimmed[0] == '`' || trimmed[0] == '"') && trimmed[^1] == trimmed[0])
        {
            var quote = trimmed[0];
            var inner = trimmed[1..^1];
            var doubled = new string(quote, 2);
            return inner.Contains(doubled) ? new StringBuilder(inner).Replace(doubled, quote.ToString()).ToString() : inner;
        }
        return trimmed;
    }
}
