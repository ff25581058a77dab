using MySqlConnector;

namespace Switchyard.IntegrationTests.Support;

/// <summary>Asks through the proxy which backend ran a statement, by the server_id the statement itself reads.</summary>
internal static class Routes
{
    /// <summary>Runs <paramref name="sql"/> (whose first column is @@server_id) <paramref name="times"/> times
    /// and returns the server_id of each run.</summary>
    public static async Task<List<long>> ServerIdsAsync(MySqlConnection connection, int times, string sql = "SELECT @@server_id",
        MySqlTransaction? transaction = null)
    {
        var ids = new List<long>();
        for (var i = 0; i < times; i++)
        {
            await using var command = new MySqlCommand(sql, connection, transaction);
            ids.Add(Convert.ToInt64(await command.ExecuteScalarAsync()));
        }
        return ids;
    }

    public static async Task<long> ServerIdAsync(MySqlConnection connection, string sql = "SELECT @@server_id",
        MySqlTransaction? transaction = null) => (await ServerIdsAsync(connection, 1, sql, transaction))[0];

    /// <summary>Reads spread by the proxy: every id a replica's and both replicas seen.</summary>
    public static void AssertSpreadOverBothReplicas(IReadOnlyCollection<long> ids)
    {
        Assert.DoesNotContain(Replication.PrimaryServerId, ids);
        Assert.Equal(Replication.ReplicaServerIds.Order(), ids.Distinct().Order());
    }

    public static void AssertAllOnThePrimary(IReadOnlyCollection<long> ids) =>
        Assert.All(ids, id => Assert.Equal(Replication.PrimaryServerId, id));
}
