using System.Diagnostics;
using System.Text.Json;
using MySqlConnector;
using Switchyard.IntegrationTests.Configuration;
using Switchyard.IntegrationTests.Support;
using Switchyard.Routing.Regions;
using Xunit;
using Xunit.Abstractions;
using static Switchyard.IntegrationTests.Regions.RegionProxy;

namespace Switchyard.IntegrationTests.Regions;

/// <summary>
/// Three regions on loopback, distance made by delay relays: the proxy runs in a; b is 40 ms away each way and c
/// 20 ms, though b comes first in the configuration. Each test proves one routing claim through a real client, by
/// <c>@@server_id</c> (a 21, b 22, c 23).
/// </summary>
public sealed class RegionRoutingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan AtoB = TimeSpan.FromMilliseconds(40);
    private static readonly TimeSpan AtoC = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan BtoC = TimeSpan.FromMilliseconds(40);

    private static Task<ThreeRegions> StartRegionsAsync() =>
        ThreeRegions.StartAsync(new[,] { { TimeSpan.Zero, AtoB, AtoC }, { AtoB, TimeSpan.Zero, BtoC }, { AtoC, BtoC, TimeSpan.Zero } });

    private static async Task<int> ServerIdAsync(MySqlConnection connection) => Convert.ToInt32(await Sql.ScalarAsync(connection, "SELECT @@server_id"));

    [Fact]
    public async Task EventualReadsAreServedLocallyAndWithTheLocalRegionDownByTheNearerRegionByMeasuredRoundTrip()
    {
        await using var regions = await StartRegionsAsync();
        await using var proxy = await ReloadableProxy.StartAsync(Yaml(regions));
        await WaitMeasuredAsync(proxy);
        await using var connection = await OpenAsync(proxy, "reader", "eventual");

        var local = new List<string>();
        for (var i = 0; i < 20; i++)
            local.Add(RegionOf(await ServerIdAsync(connection)));
        Assert.All(local, r => Assert.Equal("a", r));

        await regions.Primaries[0].KillAsync();
        await Poll.UntilAsync(async () => (await RegionsAsync(proxy)).Single(r => r.GetProperty("name").GetString() == "a").GetProperty("readable").GetBoolean() == false,
            TimeSpan.FromSeconds(10), "region a is out of read rotation");
        // c is nearer (20 ms) than b (40 ms), though b is listed first. A read served elsewhere is recorded with how the
        // proxy saw the regions right after it: this failed twice on the loaded CI machine (1 read of 20 in b).
        var elsewhere = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var region = RegionOf(await ServerIdAsync(connection));
            if (region != "c")
                elsewhere.Add($"read {i} in {region}, regions then: {Describe(await RegionsAsync(proxy))}");
        }

        Assert.True(elsewhere.Count == 0, $"{elsewhere.Count} of 20 reads not in c: {string.Join("; ", elsewhere)}. " +
            $"The proxy's warnings: {string.Join(" | ", proxy.Logs.Where(l => l.StartsWith("Warning ", StringComparison.Ordinal) || l.StartsWith("Error ", StringComparison.Ordinal)))}");
    }

    private static string Describe(JsonElement[] regions) => string.Join(", ", regions.Select(r =>
        $"{r.GetProperty("name").GetString()} readable={r.GetProperty("readable").GetBoolean()} round_trip_ms={r.GetProperty("round_trip_ms").GetRawText()}"));

    [Fact]
    public async Task AUserHomedInCWritesThereFailsOverToTheNearestRegionWhileCIsDownAndReturnsOnceCHasCaughtUp()
    {
        await using var regions = await StartRegionsAsync();
        await Sql.ExecuteAsync(regions.Primaries[0].Root(), "CREATE TABLE test.region_writes (id INT AUTO_INCREMENT PRIMARY KEY, token INT NOT NULL, origin INT NOT NULL)");
        await regions.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        await using var proxy = await ReloadableProxy.StartAsync(Yaml(regions, homes: "{ carol: c }"));
        await WaitMeasuredAsync(proxy);
        await using var strong = await OpenAsync(proxy, "carol", "strong");

        Assert.Equal("c", RegionOf(await ServerIdAsync(strong)));
        var token = 0;
        async Task<int?> WriteAsync()
        {
            var mine = ++token;
            try
            {
                await using var writer = await OpenAsync(proxy, "carol", "strong");
                await Sql.ExecuteAsync(writer, $"INSERT INTO test.region_writes (token, origin) VALUES ({mine}, @@server_id)");
                return Convert.ToInt32(await Sql.ScalarAsync(writer, $"SELECT origin FROM test.region_writes WHERE token = {mine}"));
            }
            catch (MySqlException e) when (e.Message.StartsWith("Switchyard: write outcome unknown", StringComparison.Ordinal))
            {
                return null; // the documented error for a write in flight when its region died: not retried
            }
        }
        Assert.Equal(23, await WriteAsync());

        var killed = Stopwatch.StartNew();
        await regions.Primaries[2].KillAsync();
        int? landed = null;
        while (landed is not (21 or 22))
        {
            landed = await WriteAsync();
            Assert.True(killed.Elapsed < TimeSpan.FromSeconds(15), "writes did not fail over within 15 s");
        }
        output.WriteLine($"kill of c → first write elsewhere: {killed.Elapsed.TotalMilliseconds:F0} ms (region {RegionOf(landed.Value)})");
        // a is the nearest healthy region to the proxy (local, no relay).
        Assert.Equal(21, landed);
        var awayWrites = 1;
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(21, await WriteAsync());
            awayWrites++;
        }

        await regions.Primaries[2].RestartAsync();
        var back = Stopwatch.StartNew();
        int? home = null;
        while (home != 23)
        {
            home = await WriteAsync();
            if (home == 21)
                awayWrites++;
            Assert.True(back.Elapsed < TimeSpan.FromSeconds(30), "writes did not return to c within 30 s of its restart");
        }
        output.WriteLine($"restart of c → first write back home: {back.Elapsed.TotalMilliseconds:F0} ms");
        // Writes came home only once c had every row its users wrote in a meanwhile.
        var onC = Convert.ToInt32(await Sql.ScalarAsync(regions.Primaries[2].Root(), "SELECT COUNT(*) FROM test.region_writes WHERE origin = 21"));
        Assert.Equal(awayWrites, onC);
        Assert.Equal("c", RegionOf(await ServerIdAsync(strong)));
        var metrics = await MetricsScrape.GetAsync(proxy.Server, "/metrics");
        Assert.Contains("switchyard_region_write_moves_total{home_region=\"c\",to_region=\"a\",reason=\"home_down\"} 1", metrics);
        Assert.Contains(proxy.Logs, l => l.Contains("writes of its users move from region c to region a", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HomeRegionsAreTheSameOnTwoProxiesWithTheSameConfigurationAndAfterARestart()
    {
        await using var regions = await StartRegionsAsync();
        string[] users = [.. Enumerable.Range(1, 12).Select(i => $"user-{i}")];
        async Task<string[]> HomesAsync(ReloadableProxy proxy)
        {
            var homes = new List<string>();
            foreach (var user in users)
            {
                await using var connection = await OpenAsync(proxy, user, "strong");
                homes.Add(RegionOf(await ServerIdAsync(connection)));
            }
            return [.. homes];
        }

        string[] first, second, restarted;
        await using (var one = await ReloadableProxy.StartAsync(Yaml(regions)))
        await using (var two = await ReloadableProxy.StartAsync(Yaml(regions)))
        {
            await WaitMeasuredAsync(one);
            await WaitMeasuredAsync(two);
            first = await HomesAsync(one);
            second = await HomesAsync(two);
        }
        await using (var again = await ReloadableProxy.StartAsync(Yaml(regions)))
        {
            await WaitMeasuredAsync(again);
            restarted = await HomesAsync(again);
        }

        var expected = users.Select(new HomeRegions(ThreeRegions.Names).Of).ToArray();
        Assert.Equal(expected, first);
        Assert.Equal(expected, second);
        Assert.Equal(expected, restarted);
        Assert.True(expected.Distinct().Count() >= 2, "the users should not all share one home");
    }

    [Fact]
    public async Task ReadYourWritesOfAUserHomedInARemoteRegionIsNeverStaleAndEventualReadsStayNear()
    {
        await using var regions = await StartRegionsAsync();
        await Sql.ExecuteAsync(regions.Primaries[0].Root(), "CREATE TABLE test.region_ryw (id INT AUTO_INCREMENT PRIMARY KEY, n INT NOT NULL)");
        await regions.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        await using var proxy = await ReloadableProxy.StartAsync(Yaml(regions, homes: "{ bob: b, carol: c, alice: a }"));
        await WaitMeasuredAsync(proxy);
        await using var connection = await OpenAsync(proxy, "bob", "read-your-writes");
        await using var eventual = await OpenAsync(proxy, "bob", "eventual");

        var stale = 0;
        var readLatency = new List<double>();
        var eventualLatency = new List<double>();
        for (var n = 1; n <= 30; n++)
        {
            await Sql.ExecuteAsync(connection, $"INSERT INTO test.region_ryw (n) VALUES ({n})");
            var watch = Stopwatch.StartNew();
            var max = Convert.ToInt32(await Sql.ScalarAsync(connection, "SELECT COALESCE(MAX(n), 0) FROM test.region_ryw"));
            readLatency.Add(watch.Elapsed.TotalMilliseconds);
            if (max < n)
                stale++;
            watch.Restart();
            Assert.Equal(21, await ServerIdAsync(eventual));
            eventualLatency.Add(watch.Elapsed.TotalMilliseconds);
        }

        output.WriteLine($"read-your-writes read after a write homed 40 ms away: median {Median(readLatency):F1} ms; eventual read: median {Median(eventualLatency):F1} ms");
        foreach (var (user, region) in new[] { ("alice", "a"), ("carol", "c"), ("bob", "b") })
        {
            await using var strong = await OpenAsync(proxy, user, "strong");
            var latency = new List<double>();
            for (var i = 0; i < 20; i++)
            {
                var watch = Stopwatch.StartNew();
                Assert.Equal(region, RegionOf(await ServerIdAsync(strong)));
                latency.Add(watch.Elapsed.TotalMilliseconds);
            }
            output.WriteLine($"strong read of a user homed in {region}: median {Median(latency):F1} ms");
        }
        Assert.Equal(0, stale);
        Assert.Equal(22, await ServerIdAsync(await OpenAsync(proxy, "bob", "strong")));
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
