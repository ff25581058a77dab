using System.Text.Json;
using MySqlConnector;
using Switchyard.IntegrationTests.Configuration;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Regions;

/// <summary>A proxy in region a in front of <see cref="ThreeRegions"/>, and what the region tests ask of it.</summary>
internal static class RegionProxy
{
    /// <summary>Server ids of the regions' primaries: a 21, b 22, c 23.</summary>
    public static string RegionOf(int serverId) => ThreeRegions.Names[serverId - 21];

    /// <summary>The proxy's YAML: regions listed a, b, c (b before c, so that nearness by configuration order and by
    /// measured round trip differ when c is nearer); <paramref name="homes"/> maps user keys to regions. The check
    /// timeout leaves room for the relays' delay on a loaded machine: a check that outlives it would count as a hung
    /// region and abort the writes in flight there.</summary>
    public static string Yaml(ThreeRegions regions, string homes = "{}", string failback = "caught-up") => $"""
        {TestYaml.Header}
        topology:
          kind: multi-primary
        regions:
          local: a
          homes: {homes}
          failback: {failback}
        {TestYaml.Monitor("200ms", checkTimeout: "3s")}
        {TestYaml.AppUser}
        backends:
          - name: a1
            address: 127.0.0.1:{regions.ProxyPort(0)}
            role: primary
            region: a
          - name: b1
            address: 127.0.0.1:{regions.ProxyPort(1)}
            role: primary
            region: b
          - name: c1
            address: 127.0.0.1:{regions.ProxyPort(2)}
            role: primary
            region: c
        """;

    /// <summary>A connection through the proxy as application user <paramref name="userId"/> at <paramref name="level"/>.</summary>
    public static async Task<MySqlConnection> OpenAsync(ReloadableProxy proxy, string userId, string level)
    {
        var connection = new MySqlConnection(proxy.Connection("Connection Timeout=5;"));
        await connection.OpenAsync();
        await Sql.ExecuteAsync(connection, $"SET @@switchyard.user_id = '{userId}'");
        await Sql.ExecuteAsync(connection, $"SET @@switchyard.consistency = '{level}'");
        return connection;
    }

    /// <summary>Waits until the monitor has measured a round trip to every region (nearness is decided by it).</summary>
    public static Task WaitMeasuredAsync(ReloadableProxy proxy) =>
        Poll.UntilAsync(async () => (await RegionsAsync(proxy)).All(r => r.GetProperty("round_trip_ms").ValueKind == JsonValueKind.Number && r.GetProperty("writable").GetBoolean()),
            TimeSpan.FromSeconds(20), "every region is measured and writable");

    public static async Task<JsonElement[]> RegionsAsync(ReloadableProxy proxy)
    {
        var body = await MetricsScrape.GetAsync(proxy.Server, "/status");
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("regions").EnumerateArray().Select(e => e.Clone())];
    }
}
