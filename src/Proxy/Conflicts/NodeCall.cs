using System.Data;
using MySqlConnector;

namespace Switchyard.Proxy.Conflicts;

/// <summary>Runs one step of a scan on one node, turning a lost connection (the node went away, or a query outlived
/// conflicts.query_timeout) into <see cref="NodeFailedException"/>; an SQL error on a live connection stays what it is.</summary>
internal static class NodeCall
{
    public static async Task<T> RunAsync<T>(ConflictNode node, MySqlConnection connection, Func<MySqlConnection, Task<T>> step)
    {
        try
        {
            return await step(connection).ConfigureAwait(false);
        }
        catch (Exception e) when (IsNodeFailure(e, connection))
        {
            throw new NodeFailedException(node.Name, e);
        }
    }

    private static bool IsNodeFailure(Exception e, MySqlConnection connection) => e switch
    {
        MySqlException sql => connection.State != ConnectionState.Open || IsClientSide(sql),
        IOException or System.Net.Sockets.SocketException or InvalidOperationException => true,
        _ => false,
    };

    // Client-side codes (timeouts, lost connections) are in MySqlErrorCode's 2000 range or the connector's own values.
    private static bool IsClientSide(MySqlException e) => e.ErrorCode is MySqlErrorCode.CommandTimeoutExpired or MySqlErrorCode.UnableToConnectToHost
        or MySqlErrorCode.ConnectionCountError or MySqlErrorCode.QueryInterrupted || (int)e.ErrorCode is >= 2000 and < 3000 or < 1000;
}
