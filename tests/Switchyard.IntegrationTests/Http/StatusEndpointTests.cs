using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Hosting;

namespace Switchyard.IntegrationTests.Http;

/// <summary>The HTTP listener: Prometheus metrics, health and status for machines and a page for people.</summary>
[Collection(ProxyCollection.Name)]
public sealed partial class StatusEndpointTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task MetricsIsPrometheusTextAndCountsAConnectedClient()
    {
        await using var server = await ProxyFixture.StartProxyAsync();
        var before = await ScrapeAsync(server);
        Assert.Equal(0, Value(before, "switchyard_client_connections"));

        await using (var client = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app")))
        {
            await client.OpenAsync();
            Assert.Equal(1, Value(await ScrapeAsync(server), "switchyard_client_connections"));
        }

        await Poll.UntilAsync(async () => Value(await ScrapeAsync(server), "switchyard_client_connections") == 0,
            TimeSpan.FromSeconds(5), "the closed client is no longer counted");
    }

    [Fact]
    public async Task MetricsShowsThePrimaryUpWithItsConnections()
    {
        await using var server = await ProxyFixture.StartProxyAsync();
        await using var client = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app"));
        await client.OpenAsync();

        var text = await ScrapeAsync(server);

        Assert.Equal(1, Value(text, "switchyard_backend_up{backend=\"primary\"}"));
        Assert.True(Value(text, "switchyard_backend_connections{backend=\"primary\",state=\"idle\"}") >= 1, text);
        Assert.Contains("switchyard_backend_connections{backend=\"primary\",state=\"in_use\"}", text);
    }

    [Fact]
    public async Task HealthzSaysWritesAndReadsArePossibleWhileThePrimaryIsUp()
    {
        await using var server = await ProxyFixture.StartProxyAsync();

        using var response = await Http.GetAsync(Url(server, "/healthz"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(json.RootElement.GetProperty("writes").GetBoolean());
        Assert.True(json.RootElement.GetProperty("reads").GetBoolean());
    }

    [Fact]
    public async Task HealthzIs503WhenThePrimaryCannotBeReached()
    {
        var closedPort = ClosedPort();
        await using var server = await ProxyFixture.StartProxyAsync(c => c with
        {
            Backends = [new BackendConfig { Name = "primary", Host = Cluster.Host, Port = closedPort, Role = BackendRole.Primary }],
        });

        using var response = await Http.GetAsync(Url(server, "/healthz"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(json.RootElement.GetProperty("writes").GetBoolean());
        Assert.False(json.RootElement.GetProperty("reads").GetBoolean());
    }

    [Fact]
    public async Task StatusListsEveryBackendWithItsPoolAndTheSessionCount()
    {
        await using var server = await ReplicatedProxyFixture.StartAsync();
        await using var client = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app"));
        await client.OpenAsync();

        using var json = JsonDocument.Parse(await Http.GetStringAsync(Url(server, "/status")));

        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("sessions").GetInt32());
        var backends = root.GetProperty("backends").EnumerateArray().ToList();
        Assert.Equal(["primary", "replica"], backends.Select(b => b.GetProperty("role").GetString()).Distinct().Order());
        var primary = backends.Single(b => b.GetProperty("role").GetString() == "primary");
        Assert.Equal($"{Cluster.Host}:{Cluster.PrimaryPort}", primary.GetProperty("address").GetString());
        Assert.True(primary.GetProperty("up").GetBoolean());
        foreach (var property in new[] { "name", "state", "reason", "lag_seconds", "lag_bytes", "round_trip_ms", "gtid", "checked_at" })
            Assert.True(primary.TryGetProperty(property, out _), property);
        var pool = primary.GetProperty("pool");
        Assert.True(pool.GetProperty("open").GetInt32() >= 1);
        Assert.Equal(pool.GetProperty("open").GetInt32(), pool.GetProperty("idle").GetInt32() + pool.GetProperty("leased").GetInt32());
    }

    [Fact]
    public async Task TheRootPageIsHtmlThatRefreshesItselfAndNamesTheBackends()
    {
        await using var server = await ProxyFixture.StartProxyAsync();

        using var response = await Http.GetAsync(Url(server, "/"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"2\">", html);
        Assert.Contains("<td>primary</td>", html);
    }

    [Fact]
    public async Task AnUnknownPathIs404AndAPostIs405()
    {
        await using var server = await ProxyFixture.StartProxyAsync();

        using var missing = await Http.GetAsync(Url(server, "/nope"));
        using var post = await Http.PostAsync(Url(server, "/metrics"), new StringContent(""));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task StoppingTheProxyClosesTheHttpPort()
    {
        var server = await ProxyFixture.StartProxyAsync();
        var endPoint = server.HttpEndPoint!;
        await server.DisposeAsync();

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(endPoint));
    }

    [Fact]
    public void TheShippedConfigurationServesHttpOnLoopback()
    {
        var config = ConfigLoader.LoadFile(Path.Combine(Cluster.RepositoryRoot, "config", "switchyard.yaml"));

        Assert.Equal(new ListenEndpoint("127.0.0.1", 6070), config.HttpListener);
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(new SwitchyardConfig().HttpListener.Host)), "the built-in default is loopback too");
    }

    [Fact]
    public async Task TheHttpListenerBindsTheConfiguredLoopbackAddress()
    {
        await using var server = await ProxyFixture.StartProxyAsync();

        Assert.Equal(IPAddress.Loopback, server.HttpEndPoint!.Address);
        Assert.NotEqual(0, server.HttpEndPoint.Port);
    }

    [Fact]
    public async Task AnHttpPortInUseFailsTheStartNamingTheHttpListener()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var failure = await Assert.ThrowsAsync<ListenFailedException>(() =>
            ProxyFixture.StartProxyAsync(c => c with { HttpListener = new ListenEndpoint("127.0.0.1", port) }));

        Assert.Equal("HTTP", failure.Listener);
        Assert.Contains($"127.0.0.1:{port}", failure.Message);
    }

    private static string Url(SwitchyardServer server, string path) => $"http://{server.HttpEndPoint}{path}";

    /// <summary>Scrapes /metrics and checks that every line is Prometheus text: a comment, or `name{labels} value`.</summary>
    private static async Task<string> ScrapeAsync(SwitchyardServer server)
    {
        using var response = await Http.GetAsync(Url(server, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            Assert.True(CommentLine().IsMatch(line) || SampleLine().IsMatch(line), $"not Prometheus text: {line}");
        return text;
    }

    /// <summary>The value of the sample whose name and labels are exactly <paramref name="series"/>.</summary>
    private static double Value(string text, string series)
    {
        var line = text.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"{series} not in the scrape:\n{text}");
        return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$")]
    private static partial Regex CommentLine();

    [GeneratedRegex("""^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})? (-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|NaN|\+Inf|-Inf)( -?[0-9]+)?$""")]
    private static partial Regex SampleLine();
}
