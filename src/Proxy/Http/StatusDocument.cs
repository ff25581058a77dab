using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Hosting;
using Switchyard.Proxy.Metrics;

namespace Switchyard.Proxy.Http;

/// <summary>Renders /healthz and /status as JSON and / as a small self-refreshing HTML page, all from one look at
/// the backends' health and pools.</summary>
internal static partial class StatusDocument
{
    // Relaxed escaping keeps version strings such as "10.11.19-MariaDB-0+deb12u1" readable; this is served as
    // application/json, never embedded in HTML (the page below encodes its values itself).
    public static byte[] HealthJson(ServiceAvailability availability, string whyNoWrites)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("writes", availability.Writes);
            json.WriteBoolean("reads", availability.Reads);
            if (whyNoWrites.Length > 0)
                json.WriteString("writes_unavailable", whyNoWrites);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static byte[] StatusJson(ProxyContext context, int sessions)
    {
        var availability = ServiceAvailability.Of(context);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("server_version", context.ServerVersion);
            json.WriteNumber("sessions", sessions);
            json.WriteBoolean("writes", availability.Writes);
            json.WriteBoolean("reads", availability.Reads);
            if (ServiceAvailability.WhyNoWrites(context) is { Length: > 0 } whyNoWrites)
                json.WriteString("writes_unavailable", whyNoWrites);
            WriteTopology(json, context);
            WriteRegions(json, context);
            json.WriteStartArray("backends");
            foreach (var row in Rows(context))
            {
                json.WriteStartObject();
                json.WriteString("name", row.Name);
                json.WriteString("address", row.Address);
                json.WriteString("role", row.Role);
                json.WriteString("state", row.State);
                json.WriteBoolean("up", row.Up);
                json.WriteString("reason", row.Reason);
                json.WriteString("warning", row.Warning);
                if (row.ReadOnly is { } readOnly) json.WriteBoolean("read_only", readOnly); else json.WriteNull("read_only");
                WriteNumberOrNull(json, "lag_seconds", row.LagSeconds);
                WriteNumberOrNull(json, "lag_bytes", row.LagBytes);
                WriteNumberOrNull(json, "round_trip_ms", row.RoundTripMs);
                if (row.Gtid is null) json.WriteNull("gtid"); else json.WriteString("gtid", row.Gtid);
                if (row.CheckedAt is { } at) json.WriteString("checked_at", at); else json.WriteNull("checked_at");
                if (row.Wsrep is { } wsrep)
                    WriteWsrep(json, wsrep);
                json.WriteStartObject("pool");
                json.WriteNumber("open", row.Open);
                json.WriteNumber("idle", row.Idle);
                json.WriteNumber("leased", row.Leased);
                json.WriteNumber("max", row.Max);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>GET and POST /writer: the topology block of /status alone.</summary>
    public static byte[] WriterJson(ProxyContext context)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            WriteTopology(json, context);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The "topology" object: kind, write policy, failback, the active writer and every writer's state.</summary>
    private static void WriteTopology(Utf8JsonWriter json, ProxyContext context)
    {
        var writers = context.Writers;
        // Elect on the state of this moment, so that the page agrees with itself (a writer's failed-connect pause may
        // have ended since the last monitor check).
        if (writers.HasSeveralWriters)
            writers.Refresh();
        var topology = writers.Topology;
        json.WriteStartObject("topology");
        json.WriteString("kind", topology.Kind switch
        {
            Configuration.TopologyKind.MultiPrimary => "multi-primary",
            Configuration.TopologyKind.Galera => "galera",
            _ => "primary-replica",
        });
        json.WriteString("write_policy", topology.WritePolicy == Configuration.WritePolicy.Spread ? "spread" : "single-active");
        json.WriteString("failback", topology.Failback == Configuration.FailbackMode.Manual ? "manual" : "automatic");
        json.WriteNumber("failback_after_seconds", topology.FailbackAfter.TotalSeconds);
        if (writers.Active is { } active) json.WriteString("active_writer", active.Endpoint.Name); else json.WriteNull("active_writer");
        if (writers.Override is { } chosen) json.WriteString("switched_to", chosen); else json.WriteNull("switched_to");
        if (writers.FailbackDue is { } due) json.WriteString("failback_due", due.ToString("O", CultureInfo.InvariantCulture)); else json.WriteNull("failback_due");
        if (topology.HasSeveralWriters)
            json.WriteString("note", "writers replicate each other: their lag is shown but does not take a writer out; a writer must have read_only OFF");
        json.WriteStartArray("writers");
        foreach (var writer in writers.Writers)
        {
            var endpoint = writer.Endpoint;
            json.WriteStartObject();
            json.WriteString("name", endpoint.Name);
            json.WriteBoolean("active", ReferenceEquals(writer, writers.Active));
            json.WriteBoolean("available", writers.IsHealthy(endpoint, out var reason));
            json.WriteString("reason", reason);
            if (writers.HealthySince(endpoint.Name) is { } since) json.WriteString("healthy_since", since.ToString("O", CultureInfo.InvariantCulture)); else json.WriteNull("healthy_since");
            WriteNumberOrNull(json, "lag_seconds", endpoint.Health?.LagSeconds);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static byte[] Html(ProxyContext context, int sessions)
    {
        var availability = ServiceAvailability.Of(context);
        var html = new StringBuilder(4096);
        html.Append("""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>Switchyard</title>
            <style>
            body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
            table{border-collapse:collapse}th,td{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            .online{color:#17702a}.lagging{color:#a86400}.broken,.down,.shunned,.unsynced{color:#b00020}.unknown,.unmonitored{color:#666}
            </style></head><body>
            <h1>Switchyard</h1>
            """);
        var whyNoWrites = availability.Writes ? "" : $" ({Encode(ServiceAvailability.WhyNoWrites(context))})";
        html.Append(CultureInfo.InvariantCulture, $"<p>Server {Encode(context.ServerVersion)} · {sessions} client sessions · writes <b>{(availability.Writes ? "yes" : "NO")}</b>{whyNoWrites} · reads <b>{(availability.Reads ? "yes" : "NO")}</b> · <a href=\"/status\">status JSON</a> · <a href=\"/metrics\">metrics</a></p>\n");
        if (context.Writers.HasSeveralWriters)
        {
            var writers = context.Writers;
            var active = writers.Active?.Endpoint.Name;
            html.Append(CultureInfo.InvariantCulture, $"<p>Topology {Encode(context.Config.Topology.Kind.ToString())} · active writer <b>{Encode(active ?? "NONE")}</b>" +
                $"{(writers.Override is not null ? " (switched to by an operator)" : "")}{(writers.FailbackDue is { } due ? $" · failback due {Encode(due.ToString("O", CultureInfo.InvariantCulture))}" : "")}</p>\n");
        }
        html.Append("<table><tr><th>Backend</th><th>Address</th><th>Role</th><th>State</th><th>Reason</th><th>Lag s</th><th>Lag bytes</th><th>RTT ms</th><th>GTID</th><th>Checked</th><th>Open</th><th>Idle</th><th>In use</th></tr>\n");
        foreach (var row in Rows(context))
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Encode(row.Name)}</td><td>{Encode(row.Address)}</td><td>{row.Role}</td><td class=\"{row.State}\">{row.State}{(row.Wsrep is { } w ? $" ({Encode(w.LocalStateComment ?? "?")})" : "")}</td><td>{Encode(Join(row.Reason, row.Warning))}</td>" +
                $"<td class=\"n\">{Format(row.LagSeconds)}</td><td class=\"n\">{Format(row.LagBytes)}</td><td class=\"n\">{Format(row.RoundTripMs)}</td>" +
                $"<td>{Encode(row.Gtid ?? "")}</td><td>{Encode(row.CheckedAt ?? "")}</td>" +
                $"<td class=\"n\">{row.Open}</td><td class=\"n\">{row.Idle}</td><td class=\"n\">{row.Leased}</td></tr>\n");
        }
        html.Append("</table></body></html>\n");
        return Encoding.UTF8.GetBytes(html.ToString());
    }

    private static IEnumerable<BackendRow> Rows(ProxyContext context)
    {
        // One snapshot: a reload swapping the backends meanwhile cannot pair a backend with a missing pool.
        var set = context.BackendSet;
        foreach (var backend in set.Backends)
        {
            var health = backend.Health;
            var pool = set.Pools[backend.Name];
            yield return new BackendRow(
                backend.Name,
                backend.Address,
                !backend.IsPrimary ? "replica"
                    : !context.Writers.HasSeveralWriters ? "primary"
                    : ReferenceEquals(context.Writers.Active?.Endpoint, backend) ? "writer (active)" : "writer",
                health is null ? "unmonitored" : ProxyMetrics.ToLabel(health.State),
                ProxyMetrics.IsUp(backend),
                health?.Reason ?? (backend.IsAvailable ? "" : "a recent connect failed"),
                health?.Warning ?? "",
                health?.ReadOnly,
                health?.LagSeconds,
                health?.LagBytes,
                health?.RoundTrip?.TotalMilliseconds,
                health?.GtidPosition,
                health?.Wsrep,
                health is null || health.CheckedAt == DateTimeOffset.MinValue ? null : health.CheckedAt.ToString("O", CultureInfo.InvariantCulture),
                pool.OpenConnections,
                pool.IdleConnections,
                pool.LeasedConnections,
                context.Config.Pool.MaxConnectionsPerBackend);
        }
    }

    /// <summary>A Galera node's state, only on Galera nodes (absent elsewhere, so the document of a primary-replica
    /// cluster is unchanged).</summary>
    private static void WriteWsrep(Utf8JsonWriter json, Switchyard.Routing.Health.WsrepStatus wsrep)
    {
        json.WriteStartObject("wsrep");
        if (wsrep.NodeName is null) json.WriteNull("node_name"); else json.WriteString("node_name", wsrep.NodeName);
        WriteNumberOrNull(json, "local_state", wsrep.LocalState is { } state ? (long)state : null);
        if (wsrep.LocalStateComment is null) json.WriteNull("local_state_comment"); else json.WriteString("local_state_comment", wsrep.LocalStateComment);
        if (wsrep.ClusterStatus is null) json.WriteNull("cluster_status"); else json.WriteString("cluster_status", wsrep.ClusterStatus);
        if (wsrep.Ready is { } ready) json.WriteBoolean("ready", ready); else json.WriteNull("ready");
        WriteNumberOrNull(json, "cluster_size", wsrep.ClusterSize);
        json.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
            json.WriteNumber(name, Math.Round(v, 3));
        else
            json.WriteNull(name);
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
            json.WriteNumber(name, v);
        else
            json.WriteNull(name);
    }

    private static string Format(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "–";
    private static string Format(long? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "–";
    private static string Join(string reason, string warning) =>
        warning.Length == 0 ? reason : reason.Length == 0 ? "⚠ " + warning : $"{reason}; ⚠ {warning}";
    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private sealed record BackendRow(
        string Name, string Address, string Role, string State, bool Up, string Reason, string Warning, bool? ReadOnly,
        double? LagSeconds, long? LagBytes, double? RoundTripMs, string? Gtid, Switchyard.Routing.Health.WsrepStatus? Wsrep, string? CheckedAt,
        int Open, int Idle, int Leased, int Max);
}
