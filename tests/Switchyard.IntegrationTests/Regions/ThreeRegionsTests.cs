using System.Diagnostics;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;
using Xunit;

namespace Switchyard.IntegrationTests.Regions;

/// <summary>The three-region topology the multi-region tests stand on: every region's writes reach the others, later
/// by the distance between them.</summary>
public sealed class ThreeRegionsTests
{
    private static readonly TimeSpan Near = TimeSpan.FromMilliseconds(40);
    private static readonly TimeSpan Far = TimeSpan.FromMilliseconds(80);

    [Fact]
    public async Task RowsWrittenInEachRegionReachEveryOtherRegionNoSoonerThanTheirDistance()
    {
        await using var regions = await ThreeRegions.StartAsync(new[,] { { TimeSpan.Zero, Near, Far }, { Near, TimeSpan.Zero, Far }, { Far, Far, TimeSpan.Zero } });
        await Sql.ExecuteAsync(regions.Primaries[0].Root(), "CREATE TABLE test.regional (id INT AUTO_INCREMENT PRIMARY KEY, origin CHAR(1))");
        await regions.WaitConvergedAsync(TimeSpan.FromSeconds(30));

        var watch = Stopwatch.StartNew();
        await Sql.ExecuteAsync(regions.Primaries[2].Root(), "INSERT INTO test.regional (origin) VALUES ('c')");
        await Poll.UntilAsync(async () => Convert.ToInt64(await Sql.ScalarAsync(regions.Primaries[0].Root(), "SELECT COUNT(*) FROM test.regional WHERE origin = 'c'")) == 1,
            TimeSpan.FromSeconds(10), "c's row in a");
        Assert.True(watch.Elapsed >= Far, $"c → a took {watch.Elapsed.TotalMilliseconds:F0} ms");

        await Sql.ExecuteAsync(regions.Primaries[0].Root(), "INSERT INTO test.regional (origin) VALUES ('a')");
        await Sql.ExecuteAsync(regions.Primaries[1].Root(), "INSERT INTO test.regional (origin) VALUES ('b')");
        await regions.WaitConvergedAsync(TimeSpan.FromSeconds(30));
        foreach (var primary in regions.Primaries)
        {
            await using var connection = new MySqlConnection(primary.Root());
            await connection.OpenAsync();
            Assert.Equal([["a"], ["b"], ["c"]], await Sql.RowsAsync(connection, "SELECT origin FROM test.regional ORDER BY origin"));
        }
    }
}
