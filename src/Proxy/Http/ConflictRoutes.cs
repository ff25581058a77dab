using System.Text;
using Switchyard.Proxy.Conflicts;

namespace Switchyard.Proxy.Http;

/// <summary>
/// GET /conflicts (the last scan and whether one is running) and POST /conflicts/scan[?repair=true] (a scan now). The
/// scan keeps running when it takes longer than an HTTP request may: the answer is then 202 and GET /conflicts shows
/// the result once it is done.
/// </summary>
internal static class ConflictRoutes
{
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(4);

    public static async Task<(int Status, string Reason, string ContentType, byte[] Body)> RespondAsync(ConflictScanner? scanner, string method, string path, string? query)
    {
        if (scanner is null)
            return Text(404, "Not Found", "conflict detection is off (no conflicts: section, or conflicts.enabled: false)\n");
        switch (path)
        {
            case "/conflicts" when method is "GET" or "HEAD":
                return (200, "OK", "application/json", ConflictReportWriter.Json(scanner.Last, scanner.Running));
            case "/conflicts/scan" when method == "POST":
            {
                var repair = (query ?? "").Split('&').Any(p => p is "repair=true" or "repair=1" or "repair");
                // Not tied to the request: a client that stops waiting does not cancel the scan.
                var scan = scanner.ScanAsync(repair, "http", CancellationToken.None);
                var finished = await Task.WhenAny(scan, Task.Delay(AnswerWithin)).ConfigureAwait(false) == scan;
                return finished
                    ? (200, "OK", "application/json", ConflictReportWriter.Json(await scan.ConfigureAwait(false), scanner.Running))
                    : (202, "Accepted", "application/json", ConflictReportWriter.Json(scanner.Last, scanner.Running));
            }
            case "/conflicts" or "/conflicts/scan":
                return Text(405, "Method Not Allowed", "GET /conflicts, POST /conflicts/scan[?repair=true]\n");
            default:
                return Text(404, "Not Found", "not found\n");
        }
    }

    private static (int, string, string, byte[]) Text(int status, string reason, string text) =>
        (status, reason, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text));
}
