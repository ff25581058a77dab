using System.Globalization;
using System.Net;
using Switchyard.Proxy.Hosting;

namespace Switchyard.IntegrationTests.Support;

/// <summary>Scrapes a proxy's /metrics over HTTP, as Prometheus would, and parses the samples.</summary>
internal static class MetricsScrape
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Every sample of the scrape by its series (<c>name{labels}</c>, exactly as exported).</summary>
    public static async Task<IReadOnlyDictionary<string, double>> ScrapeAsync(SwitchyardServer server)
    {
        var text = await GetAsync(server, "/metrics");
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
                continue;
            var space = line.LastIndexOf(' ');
            Assert.True(space > 0, $"not a Prometheus sample: {line}");
            samples[line[..space]] = double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return samples;
    }

    /// <summary>The body of a GET on the proxy's HTTP listener (which must answer 200).</summary>
    public static async Task<string> GetAsync(SwitchyardServer server, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Http.GetAsync($"http://{server.HttpEndPoint}{path}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    public static double? Value(this IReadOnlyDictionary<string, double> samples, string series) =>
        samples.TryGetValue(series, out var value) ? value : null;
}
