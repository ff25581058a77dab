using MySqlConnector;

namespace Switchyard.IntegrationTests.Configuration;

/// <summary>
/// Clients doing autocommit reads of @@server_id through the proxy without pause, each on its own connection. Every
/// answer is recorded with whether it was asked after <see cref="MarkApplied"/>, so that a test can tell the reads
/// sent before a reload took effect from those sent after it. Any client error is kept and fails the test.
/// </summary>
internal sealed class ServerIdLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _clients = [];
    private readonly Lock _gate = new();
    private readonly List<(long ServerId, int Phase)> _answers = [];
    private readonly List<Exception> _failures = [];
    private volatile int _phase;

    private ServerIdLoad(string connectionString, int clients)
    {
        for (var i = 0; i < clients; i++)
            _clients.Add(Task.Run(() => RunAsync(connectionString)));
    }

    public static async Task<ServerIdLoad> StartAsync(string connectionString, int clients = 4)
    {
        var load = new ServerIdLoad(connectionString, clients);
        await load.WaitForAnswersAsync(clients * 5, phase: 0);
        return load;
    }

    /// <summary>Reads asked from now on belong to a new phase; returns its number.</summary>
    public int MarkApplied() => Interlocked.Increment(ref _phase);

    /// <summary>The server_ids answered to reads asked in <paramref name="phase"/>.</summary>
    public List<long> Answers(int phase)
    {
        lock (_gate)
            return [.. _answers.Where(a => a.Phase == phase).Select(a => a.ServerId)];
    }

    /// <summary>Waits (bounded) for <paramref name="count"/> answers in <paramref name="phase"/>, failing on any client error.</summary>
    public async Task WaitForAnswersAsync(int count, int phase, Func<List<long>, bool>? until = null, string what = "answers")
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            AssertNoFailure();
            var answers = Answers(phase);
            if (answers.Count >= count && (until is null || until(answers)))
                return;
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}: {answers.Count} answers in phase {phase}, servers {string.Join(",", answers.Distinct())}");
            await Task.Delay(20);
        }
    }

    public void AssertNoFailure()
    {
        lock (_gate)
        {
            if (_failures.Count > 0)
                Assert.Fail($"{_failures.Count} client read(s) failed; first: {_failures[0]}");
        }
    }

    private async Task RunAsync(string connectionString)
    {
        try
        {
            await using var connection = new MySqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new MySqlCommand("SELECT @@server_id", connection);
            while (!_stop.IsCancellationRequested)
            {
                // The phase is read before the read is sent: an answer counted in a phase was asked within it.
                var phase = _phase;
                var id = Convert.ToInt64(await command.ExecuteScalarAsync());
                lock (_gate)
                    _answers.Add((id, phase));
            }
        }
        catch (Exception e)
        {
            lock (_gate)
                _failures.Add(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_clients);
        _stop.Dispose();
    }
}
