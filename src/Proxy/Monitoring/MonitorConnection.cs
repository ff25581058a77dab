using MySqlConnector;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Configuration;

namespace Switchyard.Proxy.Monitoring;

/// <summary>One dedicated monitor connection and the hard deadline around everything done on it. A call that
/// overruns is abandoned (its connection is closed once it finally returns) so a hung server never holds the
/// caller longer than the timeout, whatever the driver does with cancellation.</summary>
internal sealed class MonitorConnection(string connectionString, TimeSpan timeout) : IAsyncDisposable
{
    private MySqlConnection? _connection;

    public TimeSpan Timeout { get; } = timeout;

    public static string ConnectionString(BackendConfig backend, string user, string password, TimeSpan timeout)
    {
        var seconds = (uint)Math.Max(1, Math.Ceiling(timeout.TotalSeconds));
        var builder = DriverEndpoint.Builder(backend);
        builder.UserID = user;
        builder.Password = password;
        builder.Pooling = false;
        builder.ConnectionTimeout = seconds;
        builder.DefaultCommandTimeout = seconds;
        // A command that overruns closes its socket at once instead of sending KILL QUERY on a new connection,
        // which would hang too against a frozen server.
        builder.CancellationTimeout = -1;
        builder.ApplicationName = "switchyard-monitor";
        builder.SslMode = MySqlSslMode.None;
        builder.AllowUserVariables = false;
        return builder.ConnectionString;
    }

    /// <summary>Runs <paramref name="work"/> on the connection (opened by the work itself when closed) within the
    /// timeout. A failure or timeout closes the connection, so the next call starts on a fresh one.</summary>
    public async Task<T> RunAsync<T>(Func<MySqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var connection = _connection ??= new MySqlConnection(connectionString);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        var task = work(connection, deadline.Token);
        var finished = await Task.WhenAny(task, Task.Delay(Timeout, cancellationToken)).ConfigureAwait(false);
        if (finished != task)
        {
            _connection = null;
            _ = task.ContinueWith(_ => connection.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"no answer within {Timeout.TotalMilliseconds:0} ms");
        }
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"no answer within {Timeout.TotalMilliseconds:0} ms");
        }
        catch
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
