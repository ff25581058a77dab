using System.Text;
using System.Text.Json;

namespace Switchyard.Routing.Conflicts;

/// <summary>
/// A version vector as the application stores it in the version column: a JSON object from node key (for example
/// @@server_id or @@gtid_domain_id as text) to the number of writes that node made to the row. A node missing from
/// the object counts as 0; a NULL or unparsable column is the empty vector (it has seen nothing).
/// </summary>
internal static class VectorClock
{
    public static IReadOnlyDictionary<string, long> Parse(string? json)
    {
        var vector = new Dictionary<string, long>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
            return vector;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return vector;
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.Number && entry.Value.TryGetInt64(out var counter))
                    vector[entry.Name] = counter;
                else if (entry.Value.ValueKind == JsonValueKind.String && long.TryParse(entry.Value.GetString(), out counter))
                    vector[entry.Name] = counter;
            }
        }
        catch (JsonException)
        {
            // Treated as the empty vector: any real version dominates it.
        }
        return vector;
    }

    /// <summary>Compares <paramref name="a"/> with <paramref name="b"/> node by node.</summary>
    public static VectorOrder Compare(IReadOnlyDictionary<string, long> a, IReadOnlyDictionary<string, long> b)
    {
        bool aAhead = false, bAhead = false;
        foreach (var node in a.Keys.Union(b.Keys))
        {
            var (x, y) = (a.GetValueOrDefault(node), b.GetValueOrDefault(node));
            if (x > y)
                aAhead = true;
            else if (y > x)
                bAhead = true;
        }
        return (aAhead, bAhead) switch
        {
            (false, false) => VectorOrder.Equal,
            (true, false) => VectorOrder.Dominates,
            (false, true) => VectorOrder.Dominated,
            _ => VectorOrder.Concurrent,
        };
    }

    /// <summary>The element-wise maximum, as JSON with the nodes in ordinal order: a resolved row carries it so that it
    /// dominates every version it replaced.</summary>
    public static string Merge(IEnumerable<IReadOnlyDictionary<string, long>> vectors)
    {
        var merged = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var vector in vectors)
        {
            foreach (var (node, counter) in vector)
                merged[node] = Math.Max(counter, merged.GetValueOrDefault(node));
        }
        var json = new StringBuilder("{");
        foreach (var (node, counter) in merged)
        {
            if (json.Length > 1)
                json.Append(", ");
            json.Append(JsonSerializer.Serialize(node)).Append(": ").Append(counter);
        }
        return json.Append('}').ToString();
    }
}
