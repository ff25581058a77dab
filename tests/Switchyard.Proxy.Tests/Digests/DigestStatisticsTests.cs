using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Prometheus;
using Switchyard.Proxy.Digests;
using Switchyard.Proxy.Metrics;
using Switchyard.Routing.Digests;

namespace Switchyard.Proxy.Tests.Digests;

public sealed class DigestStatisticsTests
{
    [Fact]
    public void StatementsOfOneShapeAccumulateInOneEntry()
    {
        var statistics = new DigestStatistics(100);
        Record(statistics, "SELECT * FROM t WHERE id = 1", onReplica: true, milliseconds: 2);
        Record(statistics, "select * from t where id = 2", onReplica: true, milliseconds: 5);
        Record(statistics, "SELECT * FROM t WHERE id = 3", onReplica: false, milliseconds: 1, error: true);

        var entry = Assert.Single(statistics.Top(10, DigestOrder.Count));
        Assert.Equal("SELECT * FROM t WHERE id = ?", entry.Text);
        Assert.Equal(3, entry.Count);
        Assert.Equal(1, entry.Errors);
        Assert.Equal(2, entry.OnReplicas);
        Assert.Equal(1, entry.OnPrimary);
        Assert.Equal(8, entry.TotalTime.TotalMilliseconds, precision: 3);
        Assert.Equal(5, entry.MaxTime.TotalMilliseconds, precision: 3);
    }

    [Fact]
    public void LastSeenIsWhenTheLatestStatementFinished()
    {
        var statistics = new DigestStatistics(10);
        var buffer = new byte[QueryDigest.DefaultMaxLength];
        var hash = QueryDigest.Normalize("SELECT 1"u8, buffer, out var written);
        var entry = statistics.Find(hash, buffer.AsSpan(0, written));

        // Sessions pass the timestamp they already took for the statement's duration: one that finished a minute ago.
        entry.Record(onReplica: false, elapsedTicks: 1, error: false, finished: Stopwatch.GetTimestamp() - 60 * Stopwatch.Frequency);
        var minuteAgo = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1);
        Assert.InRange(entry.LastSeen, minuteAgo - TimeSpan.FromSeconds(5), minuteAgo + TimeSpan.FromSeconds(5));

        var before = DateTimeOffset.UtcNow;
        entry.Record(onReplica: true, elapsedTicks: 1, error: false, finished: Stopwatch.GetTimestamp());
        Assert.InRange(entry.LastSeen, before - TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void BeyondCapacityNewShapesGoToTheOverflowEntry()
    {
        var statistics = new DigestStatistics(2);
        Record(statistics, "SELECT a FROM t", true, 1);
        Record(statistics, "SELECT b FROM t", true, 1);
        Record(statistics, "SELECT c FROM t", true, 1);
        Record(statistics, "SELECT d FROM t", true, 1);
        Record(statistics, "SELECT a FROM t", true, 1);

        Assert.Equal(2, statistics.Count);
        Assert.Equal(2, statistics.Overflow.Count);
        var top = statistics.Top(10, DigestOrder.Count);
        Assert.Equal(3, top.Count);
        Assert.Equal("SELECT a FROM t", top[0].Text);
        Assert.Contains(top, e => e.Hash == 0);
    }

    [Fact]
    public void TopOrdersByTheRequestedMeasure()
    {
        var statistics = new DigestStatistics(100);
        for (var i = 0; i < 5; i++)
            Record(statistics, "SELECT frequent FROM t", true, 1);
        Record(statistics, "SELECT slow FROM t", true, 50);
        Record(statistics, "SELECT failing FROM t", true, 1, error: true);

        Assert.Equal("SELECT frequent FROM t", statistics.Top(1, DigestOrder.Count)[0].Text);
        Assert.Equal("SELECT slow FROM t", statistics.Top(1, DigestOrder.TotalTime)[0].Text);
        Assert.Equal("SELECT slow FROM t", statistics.Top(1, DigestOrder.MaxTime)[0].Text);
        Assert.Equal("SELECT failing FROM t", statistics.Top(1, DigestOrder.Errors)[0].Text);
    }

    [Fact]
    public async Task ConcurrentRecordingLosesNoCounts()
    {
        var statistics = new DigestStatistics(100);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
                Record(statistics, "SELECT x FROM t WHERE id = 7", i % 2 == 0, 0);
        })));
        var entry = Assert.Single(statistics.Top(10, DigestOrder.Count));
        Assert.Equal(40_000, entry.Count);
        Assert.Equal(20_000, entry.OnReplicas);
    }

    [Theory]
    [InlineData(null, DigestDocument.DefaultTop, "TotalTime")]
    [InlineData("top=5&order=count", 5, "Count")]
    [InlineData("order=errors", DigestDocument.DefaultTop, "Errors")]
    [InlineData("order=max_time&top=0", DigestDocument.DefaultTop, "MaxTime")]
    [InlineData("top=abc&order=nonsense", DigestDocument.DefaultTop, "TotalTime")]
    [InlineData("top=99999999", 10_000, "TotalTime")]
    public void QueryStringSelectsTopAndOrder(string? query, int top, string order)
    {
        Assert.Equal((top, Enum.Parse<DigestOrder>(order)), DigestDocument.ParseQuery(query));
    }

    [Fact]
    public void JsonListsDigestsWithTheirTotals()
    {
        var statistics = new DigestStatistics(100);
        Record(statistics, "UPDATE t SET a = 1 WHERE id = 2", false, 3);
        using var document = JsonDocument.Parse(DigestDocument.Json(statistics, 10, DigestOrder.TotalTime));
        var digest = document.RootElement.GetProperty("digests")[0];
        Assert.Equal("UPDATE t SET a = ? WHERE id = ?", digest.GetProperty("text").GetString());
        Assert.Equal(1, digest.GetProperty("count").GetInt64());
        Assert.Equal(1, digest.GetProperty("routes").GetProperty("primary").GetInt64());
        Assert.Equal(16, digest.GetProperty("digest").GetString()!.Length);
    }

    [Fact]
    public async Task MetricsExportOnlyTheTopDigestsAndDropThoseThatFallOut()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var statistics = new DigestStatistics(100);
        _ = new DigestMetrics(registry, statistics, exported: 1);
        Record(statistics, "SELECT first FROM t", true, 10);
        Record(statistics, "SELECT second FROM t", true, 1);

        var text = await ExportAsync(registry);
        Assert.Contains("text=\"SELECT first FROM t\"", text);
        Assert.DoesNotContain("SELECT second FROM t", text);
        Assert.Contains("switchyard_digests 2", text);

        Record(statistics, "SELECT second FROM t", true, 100);
        text = await ExportAsync(registry);
        Assert.Contains("text=\"SELECT second FROM t\"", text);
        Assert.DoesNotContain("SELECT first FROM t", text);
    }

    private static void Record(DigestStatistics statistics, string sql, bool onReplica, double milliseconds, bool error = false)
    {
        var buffer = new byte[QueryDigest.DefaultMaxLength];
        var hash = QueryDigest.Normalize(Encoding.UTF8.GetBytes(sql), buffer, out var written);
        statistics.Find(hash, buffer.AsSpan(0, written)).Record(onReplica, (long)(milliseconds / 1000 * Stopwatch.Frequency), error, Stopwatch.GetTimestamp());
    }

    private static async Task<string> ExportAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
