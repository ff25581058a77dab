namespace Switchyard.Proxy.Hosting;

/// <summary><c>switchyard --probe URL</c>: exits 0 when the URL answers 200 within a few seconds, 1 otherwise. It is
/// the container HEALTHCHECK, because the small runtime image has no curl or wget.</summary>
internal static class HealthProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            Console.Error.WriteLine($"switchyard: --probe needs an http:// URL, got '{url}'");
            return 2;
        }
        using var client = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await client.GetAsync(uri).ConfigureAwait(false);
            Console.WriteLine($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"switchyard: {uri} did not answer: {e.Message}");
            return 1;
        }
    }
}
