using System.Text.Json;
using Switchyard.Proxy.Hosting;

namespace Switchyard.Proxy.Http;

internal static partial class StatusDocument
{
    /// <summary>The "regions" array (with <c>regions:</c> only): per region whether its primary takes writes, whether
    /// it serves reads, the measured round trip, and where its users' writes go now.</summary>
    private static void WriteRegions(Utf8JsonWriter json, ProxyContext context)
    {
        if (context.Regions is not { } regions)
            return;
        json.WriteStartArray("regions");
        foreach (var region in regions.Regions)
        {
            json.WriteStartObject();
            json.WriteString("name", region.Name);
            json.WriteBoolean("local", region.IsLocal);
            json.WriteString("primary", region.Primary.Endpoint.Name);
            json.WriteBoolean("writable", region.CanWrite);
            json.WriteBoolean("readable", region.CanRead);
            WriteNumberOrNull(json, "round_trip_ms", region.RoundTrip?.TotalMilliseconds);
            // Decided afresh, so the page shows where the next write of a user homed here would go.
            var choice = regions.PeekWriteRegion(region.Name);
            if (choice.Region is { } to) json.WriteString("writes_to", to); else json.WriteNull("writes_to");
            json.WriteString("writes_reason", choice.Reason.ToString());
            if (region.AwayGtids is { } away) json.WriteString("awaiting_gtids", away.ToString()); else json.WriteNull("awaiting_gtids");
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
