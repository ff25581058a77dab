using System.Globalization;
using MySqlConnector;

namespace Switchyard.Proxy.Conflicts;

/// <summary>Lets replication settle before a comparison: each node waits (MASTER_GTID_WAIT) until it has applied every
/// other node's current binlog position, so a change in flight is compared once it has arrived everywhere.</summary>
internal static class Replication
{
    /// <returns>null when every node caught up within <paramref name="wait"/>, else why not.</returns>
    public static async Task<string?> SettleAsync(IReadOnlyList<ConflictNode> nodes, IReadOnlyList<MySqlConnection> connections, TimeSpan wait,
        CancellationToken cancellationToken)
    {
        var positions = new string[nodes.Count];
        for (var n = 0; n < nodes.Count; n++)
        {
            positions[n] = await NodeCall.RunAsync(nodes[n], connections[n], async connection =>
            {
                await using var command = new MySqlCommand("SELECT @@gtid_binlog_pos", connection);
                return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) ?? "";
            }).ConfigureAwait(false);
        }
        var deadline = DateTime.UtcNow + wait;
        for (var n = 0; n < nodes.Count; n++)
        {
            for (var other = 0; other < nodes.Count; other++)
            {
                if (other == n || positions[other].Length == 0)
                    continue;
                var seconds = Math.Max(0, (deadline - DateTime.UtcNow).TotalSeconds);
                var result = await NodeCall.RunAsync(nodes[n], connections[n], async connection =>
                {
                    await using var command = new MySqlCommand("SELECT MASTER_GTID_WAIT(@pos, @timeout)", connection);
                    command.Parameters.AddWithValue("@pos", positions[other]);
                    command.Parameters.AddWithValue("@timeout", seconds);
                    command.CommandTimeout = (int)Math.Ceiling(seconds) + 30;
                    return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
                if (result is null or DBNull || Convert.ToInt64(result, CultureInfo.InvariantCulture) != 0)
                    return $"{nodes[n].Name} had not applied {nodes[other].Name}'s position {positions[other]} within {wait.TotalSeconds:0.#} s (replication stopped or behind)";
            }
        }
        return null;
    }
}
