using MySqlConnector;
using Switchyard.IntegrationTests.Configuration;
using Switchyard.IntegrationTests.Support;
using Xunit;

namespace Switchyard.IntegrationTests.MultiPrimary;

/// <summary>Reads in a multi-primary topology: spread over every writer, strong ones on the active writer, and a
/// user's own writes visible across a failover.</summary>
public sealed class MultiPrimaryReadTests
{
    [Fact]
    public async Task ReadsSpreadOverBothWritersAndStrongReadsGoToTheActiveWriter()
    {
        await using var pair = await MultiPrimaryPair.StartAsync();
        // With pipelined lanes on: which writer serves a read is the writer selection's call, so writers have none.
        await using var proxy = await ReloadableProxy.StartAsync(pair.ProxyYaml("kind: multi-primary", extra: "routing:\n  pipelined_lanes: 1"));
        Assert.Equal(1, proxy.Server.Context.Config.Routing.PipelinedLanes);
        Assert.All(proxy.Server.Context.BackendSet.Writers, writer => Assert.Null(writer.Lanes));
        await using var connection = new MySqlConnection(proxy.Connection());
        await connection.OpenAsync();

        var eventual = new List<int>();
        var strong = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            eventual.Add(Convert.ToInt32(await Sql.ScalarAsync(connection, "SELECT /*sy:eventual*/ @@server_id")));
            strong.Add(Convert.ToInt32(await Sql.ScalarAsync(connection, "SELECT /*sy:strong*/ @@server_id")));
        }

        Assert.Equal([11, 12], eventual.Distinct().Order());
        Assert.All(strong, id => Assert.Equal(11, id));

        // After a switchover the active writer is the other one: strong reads follow it.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await WriterProbe.PostWriterAsync(proxy.Server, "writer2")).Status);
        Assert.Equal(12, Convert.ToInt32(await Sql.ScalarAsync(connection, "SELECT /*sy:strong*/ @@server_id")));
    }

    [Fact]
    public async Task ReadYourWritesAcrossAFailoverIsNeverStale()
    {
        await using var pair = await MultiPrimaryPair.StartAsync();
        var (first, second) = (pair.Writers[0], pair.Writers[1]);
        await Sql.ExecuteAsync(first.Root(), "CREATE TABLE test.notes (id INT PRIMARY KEY, body VARCHAR(20))");
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        await using var proxy = await ReloadableProxy.StartAsync(pair.ProxyYaml("kind: multi-primary\nfailback: automatic\nfailback_after: 1s"));
        await using var writes = new MySqlConnection(proxy.Connection());
        await writes.OpenAsync();

        // A write on writer1 (domain 1), replicated to writer2, then writer1 dies.
        await Sql.ExecuteAsync(writes, "INSERT INTO test.notes VALUES (1, 'before')");
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        await first.KillAsync();
        // The next write lands on writer2 (domain 2): the user's GTIDs now span both domains.
        await Sql.ExecuteAsync(writes, "INSERT INTO test.notes VALUES (2, 'after')");
        Assert.Equal("writer2", await WriterProbe.ActiveWriterAsync(proxy.Server));

        // Reads on other connections (read-your-writes is the default level) see both writes, while writer1 is down...
        for (var i = 0; i < 10; i++)
            Assert.Equal(2L, Convert.ToInt64(await Sql.ScalarAsync(proxy.Connection(), "SELECT COUNT(*) FROM test.notes")));

        // ...and once it is back, when reads spread over both writers again: writer1 must first have applied the
        // write made on writer2 while it was down, or not serve the read.
        await first.RestartAsync();
        await Sql.ExecuteAsync(writes, "UPDATE test.notes SET body = 'latest' WHERE id = 2");
        for (var i = 0; i < 40; i++)
        {
            await using var reader = new MySqlConnection(proxy.Connection());
            await reader.OpenAsync();
            var rows = await Sql.RowsAsync(reader, "SELECT id, body FROM test.notes ORDER BY id");
            Assert.Equal([["1", "before"], ["2", "latest"]], rows);
        }
    }
}
