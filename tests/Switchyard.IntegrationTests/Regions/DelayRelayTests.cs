using System.Diagnostics;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;
using Xunit;

namespace Switchyard.IntegrationTests.Regions;

/// <summary>The relay that stands in for distance between regions really delays each direction, and can cut a region off.</summary>
public sealed class DelayRelayTests
{
    [Fact]
    public async Task EveryRoundTripThroughTheRelayTakesAtLeastBothDelays()
    {
        await using var relay = new DelayRelay(Cluster.PrimaryPort, TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(30));
        await using var connection = new MySqlConnection(Cluster.ConnectionString(relay.Port, null, "app", "app"));
        await connection.OpenAsync();

        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            Assert.Equal(1, Convert.ToInt32(await Sql.ScalarAsync(connection, "SELECT 1")));
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(70), $"round trip {watch.Elapsed.TotalMilliseconds:F1} ms");
        }
    }

    [Fact]
    public async Task ACutRelayDropsItsConnectionsAndRefusesNewOnesUntilRestored()
    {
        await using var relay = new DelayRelay(Cluster.PrimaryPort, TimeSpan.Zero, TimeSpan.Zero);
        var connectionString = Cluster.ConnectionString(relay.Port, null, "app", "app", "Connection Timeout=2;");
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();

        relay.Cut();

        await AssertConnectionFailsAsync(() => Sql.ScalarAsync(connection, "SELECT 1"));
        await AssertConnectionFailsAsync(() => Sql.ScalarAsync(connectionString, "SELECT 1"));
        relay.Restore();
        Assert.Equal(1, Convert.ToInt32(await Sql.ScalarAsync(connectionString, "SELECT 1")));
    }

    // A reset surfaces as MySqlConnector's error or as the socket's own, depending on when it hits.
    private static async Task AssertConnectionFailsAsync(Func<Task> query)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(query);
        Assert.True(e is MySqlException or System.Net.Sockets.SocketException or IOException, e.ToString());
    }
}
