using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchyard.Proxy.Digests;

/// <summary>Renders /digests: the heaviest statement shapes as JSON.</summary>
internal static class DigestDocument
{
    public const int DefaultTop = 50;

    /// <summary>Reads <c>top=N</c> and <c>order=total_time|count|errors|max_time</c> from a query string; unknown or
    /// malformed values fall back to the defaults.</summary>
    public static (int Top, DigestOrder Order) ParseQuery(string? query)
    {
        var top = DefaultTop;
        var order = DigestOrder.TotalTime;
        foreach (var pair in (query ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals < 0)
                continue;
            var (key, value) = (pair[..equals], pair[(equals + 1)..]);
            if (key == "top" && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
                top = Math.Min(n, 10_000);
            else if (key == "order")
                order = value switch
                {
                    "count" => DigestOrder.Count,
                    "errors" => DigestOrder.Errors,
                    "max_time" => DigestOrder.MaxTime,
                    _ => DigestOrder.TotalTime,
                };
        }
        return (top, order);
    }

    public static byte[] Json(DigestStatistics statistics, int top, DigestOrder order)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("distinct_digests", statistics.Count);
            json.WriteNumber("capacity", statistics.Capacity);
            json.WriteStartArray("digests");
            foreach (var entry in statistics.Top(top, order))
            {
                json.WriteStartObject();
                json.WriteString("digest", Hex(entry.Hash));
                json.WriteString("text", entry.Text);
                json.WriteNumber("count", entry.Count);
                json.WriteNumber("errors", entry.Errors);
                json.WriteNumber("total_seconds", Math.Round(entry.TotalTime.TotalSeconds, 6));
                json.WriteNumber("max_seconds", Math.Round(entry.MaxTime.TotalSeconds, 6));
                json.WriteNumber("mean_seconds", entry.Count == 0 ? 0 : Math.Round(entry.TotalTime.TotalSeconds / entry.Count, 6));
                json.WriteStartObject("routes");
                json.WriteNumber("primary", entry.OnPrimary);
                json.WriteNumber("replica", entry.OnReplicas);
                json.WriteEndObject();
                json.WriteString("first_seen", entry.FirstSeen.ToString("O", CultureInfo.InvariantCulture));
                json.WriteString("last_seen", entry.LastSeen.ToString("O", CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The digest id as shown in /digests and in metric labels.</summary>
    public static string Hex(ulong hash) => hash.ToString("x16", CultureInfo.InvariantCulture);
}
