using MySqlConnector;

namespace Switchyard.IntegrationTests.Support;

/// <summary>
/// A well-behaved client that keeps running queries through the proxy on one connection while a test does
/// something nasty on another, to prove that one client's fault never disturbs the others.
/// </summary>
internal sealed class BackgroundClient : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _completed;
    private Exception? _failure;

    private BackgroundClient(MySqlConnection connection) => _loop = Task.Run(() => RunAsync(connection));

    public long Completed => Interlocked.Read(ref _completed);

    public static async Task<BackgroundClient> StartAsync(string connectionString)
    {
        var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        var client = new BackgroundClient(connection);
        await client.WaitForProgressAsync();
        return client;
    }

    private async Task RunAsync(MySqlConnection connection)
    {
        await using var _ = connection;
        await using var command = new MySqlCommand("SELECT @n := 0", connection);
        var i = 0L;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                i++;
                command.CommandText = $"SELECT {i} + 1, REPEAT('y', 100)";
                var value = Convert.ToInt64(await command.ExecuteScalarAsync());
                if (value != i + 1)
                    throw new InvalidOperationException($"query {i} returned {value}");
                Interlocked.Increment(ref _completed);
            }
        }
        catch (Exception e)
        {
            _failure = e;
        }
    }

    /// <summary>Waits (bounded) until at least a few more queries have completed than now, and checks that none failed.</summary>
    public async Task WaitForProgressAsync(int queries = 5)
    {
        var target = Completed + queries;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Completed < target)
        {
            AssertNoFailure();
            Assert.True(DateTime.UtcNow < deadline, $"the other client made no progress: {Completed} of {target} queries");
            await Task.Delay(5);
        }
        AssertNoFailure();
    }

    private void AssertNoFailure()
    {
        if (_failure is not null)
            Assert.Fail($"the other client's query failed: {_failure}");
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        _stop.Dispose();
    }
}
