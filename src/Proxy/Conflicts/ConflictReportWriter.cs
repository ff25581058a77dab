using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Switchyard.Routing.Conflicts;

namespace Switchyard.Proxy.Conflicts;

/// <summary>Renders a scan report as JSON (/conflicts) and as text (the CLI).</summary>
internal static class ConflictReportWriter
{
    public static byte[] Json(ConflictScanReport? last, ConflictScanReport? running)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteBoolean("scan_running", running is not null);
            if (running is not null)
                json.WriteString("running_since", running.Started.ToString("O", CultureInfo.InvariantCulture));
            json.WritePropertyName("last_scan");
            if (last is null)
                json.WriteNullValue();
            else
                Write(json, last);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter json, ConflictScanReport report)
    {
        json.WriteStartObject();
        json.WriteString("started", report.Started.ToString("O", CultureInfo.InvariantCulture));
        if (report.Finished is { } finished)
            json.WriteString("finished", finished.ToString("O", CultureInfo.InvariantCulture));
        json.WriteNumber("duration_ms", Math.Round(report.Duration.TotalMilliseconds, 1));
        json.WriteString("trigger", report.Trigger);
        json.WriteBoolean("repair_requested", report.RepairRequested);
        json.WriteBoolean("complete", report.Complete);
        json.WriteStartArray("incomplete_reasons");
        foreach (var reason in report.IncompleteReasons)
            json.WriteStringValue(reason);
        json.WriteEndArray();
        json.WriteStartArray("nodes");
        foreach (var node in report.Nodes)
            json.WriteStringValue(node);
        json.WriteEndArray();
        json.WriteNumber("rows_compared", report.RowsCompared);
        json.WriteNumber("diverged_rows", report.DivergedRows);
        json.WriteNumber("unresolved_rows", report.RemainingRows);
        json.WriteStartArray("tables");
        foreach (var table in report.Tables)
            Write(json, table, report.Nodes);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter json, TableScanReport table, IReadOnlyList<string> nodes)
    {
        json.WriteStartObject();
        json.WriteString("table", table.Table.Name);
        json.WriteString("strategy", ConflictStrategyNames.Name(table.Table.Strategy));
        json.WriteNumber("rows_compared", table.RowsCompared);
        json.WriteNumber("ranges", table.Ranges);
        json.WriteNumber("ranges_differing", table.RangesDiffering);
        if (table.Error is not null)
            json.WriteString("error", table.Error);
        if (table.Unsettled is not null)
            json.WriteString("replication_not_settled", table.Unsettled);
        json.WriteNumber("diverged_rows", table.Diverged.Count);
        json.WriteNumber("unresolved_rows", table.Remaining);
        json.WriteStartArray("diverged");
        foreach (var row in table.Diverged)
        {
            json.WriteStartObject();
            json.WriteString("key", row.Key);
            json.WriteStartObject("versions");
            for (var n = 0; n < nodes.Count; n++)
            {
                json.WritePropertyName(nodes[n]);
                WriteRow(json, table.Columns, row.Versions[n]);
            }
            json.WriteEndObject();
            json.WriteStartObject("resolution");
            json.WriteString("kind", row.Resolution.Kind.ToString().ToLowerInvariant());
            if (row.Resolution.WinningNode >= 0)
                json.WriteString("winner", nodes[row.Resolution.WinningNode]);
            json.WriteBoolean("concurrent", row.Resolution.Concurrent);
            json.WriteString("reason", row.Resolution.Reason);
            if (row.ResolvedText is not null)
            {
                json.WritePropertyName("resolved");
                WriteRow(json, table.Columns, row.ResolvedText);
            }
            json.WriteEndObject();
            json.WriteString("repair", RepairName(row.Repair));
            json.WriteStartArray("repaired_on");
            foreach (var node in row.RepairedOn)
                json.WriteStringValue(node);
            json.WriteEndArray();
            if (row.RepairNote is not null)
                json.WriteString("repair_note", row.RepairNote);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteRow(Utf8JsonWriter json, IReadOnlyList<string> columns, RowVersion version)
    {
        if (version.Values is null)
        {
            json.WriteNullValue();
            return;
        }
        json.WriteStartObject();
        for (var c = 0; c < columns.Count; c++)
        {
            if (version.Values[c] is { } value)
                json.WriteString(columns[c], value);
            else
                json.WriteNull(columns[c]);
        }
        json.WriteEndObject();
    }

    public static string RepairName(RepairState state) => state switch
    {
        RepairState.NotRequested => "not-requested",
        RepairState.ReportOnly => "report-only",
        RepairState.Verified => "verified",
        RepairState.Unverified => "unverified",
        RepairState.Skipped => "skipped",
        _ => "failed",
    };

    /// <summary>The report for a terminal: a summary, then each diverged row with every node's version.</summary>
    public static string Text(ConflictScanReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"conflict scan of {report.Tables.Count} table(s) on {string.Join(", ", report.Nodes)}: " +
            $"{report.RowsCompared} rows compared in {report.Duration.TotalMilliseconds:0} ms, {report.DivergedRows} diverged, {report.RemainingRows} unresolved");
        text.AppendLine(report.Complete ? "scan complete" : "scan INCOMPLETE: " + string.Join("; ", report.IncompleteReasons));
        foreach (var table in report.Tables)
        {
            text.AppendLine(FormattableString.Invariant($"{table.Table.Name} ({ConflictStrategyNames.Name(table.Table.Strategy)}): {table.RowsCompared} rows, ") +
                FormattableString.Invariant($"{table.RangesDiffering}/{table.Ranges} ranges differ, {table.Diverged.Count} diverged") + (table.Error is null ? "" : $", ERROR: {table.Error}"));
            foreach (var row in table.Diverged)
            {
                text.AppendLine($"  key {row.Key}: {row.Resolution.Reason}{(row.Resolution.Concurrent ? " [concurrent]" : "")} — repair {RepairName(row.Repair)}" +
                    (row.RepairNote is null ? "" : $" ({row.RepairNote})"));
                for (var n = 0; n < report.Nodes.Count; n++)
                    text.AppendLine(CultureInfo.InvariantCulture, $"    {report.Nodes[n]}: {Row(table.Columns, row.Versions[n])}");
                if (row.ResolvedText is not null)
                    text.AppendLine(CultureInfo.InvariantCulture, $"    resolved: {Row(table.Columns, row.ResolvedText)}");
            }
        }
        return text.ToString();
    }

    private static string Row(IReadOnlyList<string> columns, RowVersion version) =>
        version.Values is null ? "(absent)" : string.Join(", ", columns.Zip(version.Values, (c, v) => $"{c}={v ?? "NULL"}"));
}
