using System.Collections.Concurrent;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;
using Switchyard.Proxy.Configuration;

namespace Switchyard.IntegrationTests.Routing;

/// <summary>A replica that dies under read traffic costs the clients nothing: a read it never answered is sent to
/// another replica (then the primary), and it is skipped afterwards.</summary>
[Collection(ProxyCollection.Name)]
public sealed class ReplicaFailureTests
{
    private const long DoomedServerId = 99; // PrivateMariaDb's --server-id

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task ReadsGoOnWithoutAnErrorWhenAReplicaIsKilledWhileTheyRun(bool prepared, bool pipelined)
    {
        await using var doomed = await PrivateMariaDb.StartAsync();
        await Sql.ExecuteAsync(doomed.Root(), "CREATE OR REPLACE USER 'switchyard'@'%' IDENTIFIED BY 'switchyard'; GRANT SELECT ON *.* TO 'switchyard'@'%'");
        // The doomed server replicates from nothing, so the monitor would rightly keep it out of rotation; this test is
        // about live traffic meeting a replica that dies, so it runs without the monitor.
        await using var server = await ProxyFixture.StartProxyAsync(c => c with
        {
            Monitor = c.Monitor with { Enabled = false },
            // Pipelined: the reads queued on the doomed replica's shared lane when it dies are sent elsewhere too.
            Routing = c.Routing with { PipelinedLanes = pipelined ? 1 : 0 },
            Backends =
            [
                .. c.Backends,
                new BackendConfig { Name = "replica1", Host = Cluster.Host, Port = Cluster.Replica1Port, Role = BackendRole.Replica },
                new BackendConfig { Name = "doomed", Host = Cluster.Host, Port = doomed.Port, Role = BackendRole.Replica },
            ],
        });
        var through = Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app");
        var servedBy = new ConcurrentQueue<long>();
        var failures = new ConcurrentQueue<Exception>();
        long readsAfterKill = 0;
        var killed = false;
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await using var connection = new MySqlConnection(through);
            await connection.OpenAsync();
            await using var command = new MySqlCommand("SELECT @@server_id", connection);
            if (prepared)
                await command.PrepareAsync();
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    servedBy.Enqueue(Convert.ToInt64(await command.ExecuteScalarAsync()));
                    if (Volatile.Read(ref killed))
                        Interlocked.Increment(ref readsAfterKill);
                }
                catch (MySqlException e)
                {
                    failures.Enqueue(e);
                    return;
                }
            }
        })).ToList();

        await Poll.UntilAsync(() => Task.FromResult(servedBy.Contains(DoomedServerId) && servedBy.Contains(Replication.ReplicaServerIds[0])),
            TimeSpan.FromSeconds(10), "both replicas serve reads");
        if (pipelined)
        {
            var lanes = server.Context.Pools["doomed"].Lanes!;
            var served = lanes.Answered;
            await Poll.UntilAsync(() => Task.FromResult(lanes.Answered > served + 100), TimeSpan.FromSeconds(10), "reads run on the doomed replica's lane");
        }
        await doomed.KillAsync();
        Volatile.Write(ref killed, true);
        await Poll.UntilAsync(() => Task.FromResult(Interlocked.Read(ref readsAfterKill) >= 400 || !failures.IsEmpty),
            TimeSpan.FromSeconds(20), "reads go on after the kill");
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Select(f => f.Message)));
        Assert.DoesNotContain((long)Replication.PrimaryServerId, servedBy.Take(20));
    }
}
