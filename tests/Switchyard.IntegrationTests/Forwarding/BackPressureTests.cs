using System.Diagnostics;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Forwarding;

[Collection(ProxyCollection.Name)]
public sealed class BackPressureTests(ProxyFixture proxy)
{
    private const int Rows = 300;
    private const int RowSize = 1024 * 1024;
    private const long AllowedGrowth = 64L * 1024 * 1024;

    /// <summary>
    /// A 300 MB result read by a slow client: the proxy must stop reading from the backend while the client is not
    /// reading, so its memory stays flat. The proxy runs in this process; the raw client reads into one reused
    /// buffer, so growth of this process's memory is the proxy's buffering.
    /// </summary>
    [Fact]
    public async Task LargeResultStreamsToASlowClientWithoutBufferingInTheProxy()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var client = await RawMySqlClient.LoginAsync(proxy.Port, "app", "app", db.Name);
        var scratch = new byte[256 * 1024];
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var process = Process.GetCurrentProcess();
        var baseManaged = GC.GetTotalMemory(false);
        process.Refresh();
        var baseWorkingSet = process.WorkingSet64;
        long maxManaged = 0, maxWorkingSet = 0;
        void Sample()
        {
            process.Refresh();
            maxManaged = Math.Max(maxManaged, GC.GetTotalMemory(false) - baseManaged);
            maxWorkingSet = Math.Max(maxWorkingSet, process.WorkingSet64 - baseWorkingSet);
        }

        await client.QueryAsync($"SELECT seq, REPEAT('x', {RowSize}) FROM seq_1_to_{Rows}");
        var (_, columns) = await client.SkipPacketAsync(scratch);
        Assert.Equal(2, columns);
        await client.SkipColumnsAsync(2);
        var rows = 0;
        long bytes = 0;
        while (true)
        {
            var (length, first) = await client.SkipPacketAsync(scratch);
            if (first == 0xFE && length < 9)
                break;
            Assert.NotEqual(0xFF, first);
            rows++;
            bytes += length;
            if (rows % 10 == 0)
            {
                Sample();
                // The slow client: the point of the test, not a wait for something to happen.
                await Task.Delay(rows == 50 ? 500 : 20);
                Sample();
            }
        }

        Assert.Equal(Rows, rows);
        Assert.True(bytes > (long)Rows * RowSize);
        Assert.True(maxManaged < AllowedGrowth, $"managed memory grew by {maxManaged / 1024 / 1024} MB while streaming {bytes / 1024 / 1024} MB");
        Assert.True(maxWorkingSet < AllowedGrowth, $"working set grew by {maxWorkingSet / 1024 / 1024} MB while streaming {bytes / 1024 / 1024} MB");
        await client.QueryAsync("SELECT 'done'");
        Assert.Equal("done", (await client.ReadTextResultAsync()).Rows.Single()[0]);
    }
}
