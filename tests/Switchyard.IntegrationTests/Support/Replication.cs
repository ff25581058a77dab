using MySqlConnector;

namespace Switchyard.IntegrationTests.Support;

/// <summary>The shared cluster's replicas, reached directly: which server is which, and waiting for them to
/// catch up with the primary instead of sleeping for a guessed lag.</summary>
internal static class Replication
{
    public const int PrimaryServerId = 1;

    /// <summary>Replica ports and the server_id each one reports (scripts/cluster.sh numbers them in port order).</summary>
    public static IReadOnlyList<(int Port, long ServerId)> Replicas { get; } =
        [(Cluster.Replica1Port, 2), (Cluster.Replica2Port, 3)];

    public static IReadOnlyList<long> ReplicaServerIds { get; } = Replicas.Select(r => r.ServerId).ToList();

    /// <summary>Every backend of the cluster, primary first.</summary>
    public static IReadOnlyList<int> AllPorts { get; } = [Cluster.PrimaryPort, .. Replicas.Select(r => r.Port)];

    /// <summary>A root connection string straight to one backend.</summary>
    public static string Root(int port, string? database = null) => Cluster.ConnectionString(port, database, "root", "");

    /// <summary>Waits (bounded) until both replicas have applied everything the primary has written so far.</summary>
    public static async Task WaitForReplicasAsync(TimeSpan? timeout = null)
    {
        var seconds = (int)(timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds;
        var position = (string?)await Sql.ScalarAsync(Cluster.Root(), "SELECT @@gtid_binlog_pos");
        foreach (var (port, serverId) in Replicas)
        {
            await using var connection = new MySqlConnection(Root(port));
            await connection.OpenAsync();
            await using var command = new MySqlCommand("SELECT MASTER_GTID_WAIT(@position, @timeout)", connection);
            command.Parameters.AddWithValue("@position", position ?? "");
            command.Parameters.AddWithValue("@timeout", seconds);
            command.CommandTimeout = seconds + 10;
            var result = Convert.ToInt32(await command.ExecuteScalarAsync());
            Assert.True(result == 0, $"replica server_id {serverId} (port {port}) did not reach GTID {position} within {seconds} s");
        }
    }
}
