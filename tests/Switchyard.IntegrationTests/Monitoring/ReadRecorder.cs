using System.Collections.Concurrent;
using System.Diagnostics;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Monitoring;

/// <summary>Clients that keep reading <c>SELECT @@server_id</c> through the proxy, each on its own connection, and
/// record for every read when it started and ended (Stopwatch timestamps) and which server answered it.</summary>
internal sealed class ReadRecorder : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers;
    private readonly ConcurrentQueue<Exception> _failures = new();

    private ReadRecorder(string connectionString, int clients) =>
        _readers = Enumerable.Range(0, clients).Select(_ => Task.Run(() => ReadAsync(connectionString))).ToList();

    public ConcurrentQueue<Read> Reads { get; } = new();
    public IReadOnlyCollection<Exception> Failures => _failures;

    public static ReadRecorder Start(int proxyPort, int clients = 2) =>
        new(Cluster.ConnectionString(proxyPort, null, "app", "app"), clients);

    private async Task ReadAsync(string connectionString)
    {
        try
        {
            await using var connection = new MySqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new MySqlCommand("SELECT @@server_id", connection);
            while (!_stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                var id = Convert.ToInt64(await command.ExecuteScalarAsync());
                Reads.Enqueue(new Read(started, Stopwatch.GetTimestamp(), id));
            }
        }
        catch (Exception e)
        {
            _failures.Enqueue(e);
        }
    }

    /// <summary>Waits (bounded) until a read that started after <paramref name="since"/> was answered by
    /// <paramref name="serverId"/>.</summary>
    public Task WaitUntilServedByAsync(long serverId, long since, TimeSpan timeout) =>
        Poll.UntilAsync(() => Task.FromResult(Reads.Any(r => r.Started >= since && r.ServerId == serverId) || !_failures.IsEmpty), timeout,
            $"a read is answered by server_id {serverId}");

    /// <summary>Waits (bounded) until <paramref name="count"/> reads started after <paramref name="since"/> have finished.</summary>
    public Task WaitForReadsAsync(long since, int count, TimeSpan timeout) =>
        Poll.UntilAsync(() => Task.FromResult(Reads.Count(r => r.Started >= since) >= count || !_failures.IsEmpty), timeout,
            $"{count} reads after the mark");

    public void AssertNoFailure() => Assert.True(_failures.IsEmpty, string.Join("\n", _failures.Select(f => f.ToString())));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_readers);
        _stop.Dispose();
    }

    /// <summary>One read: Stopwatch timestamps of its start and end, and the server_id that answered.</summary>
    public readonly record struct Read(long Started, long Ended, long ServerId)
    {
        public TimeSpan Duration => Stopwatch.GetElapsedTime(Started, Ended);
    }
}
