using System.Diagnostics;
using System.Net;
using Switchyard.IntegrationTests.Configuration;
using Switchyard.IntegrationTests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Switchyard.IntegrationTests.MultiPrimary;

/// <summary>Writes return to the first writer after it is back: by themselves after failback_after, or only when an
/// operator says so (POST /writer).</summary>
public sealed class WriterFailbackTests(ITestOutputHelper output)
{
    private const int First = 11;
    private const int Second = 12;

    [Fact]
    public async Task AutomaticFailbackReturnsWritesToTheFirstWriterOnlyAfterFailbackAfter()
    {
        await using var pair = await MultiPrimaryPair.StartAsync();
        await using var proxy = await ReloadableProxy.StartAsync(pair.ProxyYaml("kind: multi-primary\nfailback: automatic\nfailback_after: 3s"));
        Assert.Equal(First, await WriterProbe.WriterOfNextWriteAsync(proxy.Connection()));

        await pair.Writers[0].KillAsync();
        Assert.Equal(Second, await WriterProbe.WriterOfNextWriteAsync(proxy.Connection()));
        await pair.Writers[0].RestartAsync();
        var back = Stopwatch.GetTimestamp();
        await Poll.UntilAsync(() => WriterProbe.WriterAvailableAsync(proxy.Server, "writer1"), TimeSpan.FromSeconds(10), "the monitor finds writer1 healthy again");
        Assert.Equal(Second, await WriterProbe.WriterOfNextWriteAsync(proxy.Connection()));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, (await WriterProbe.TopologyAsync(proxy.Server)).GetProperty("failback_due").ValueKind);

        await Poll.UntilAsync(async () => await WriterProbe.WriterOfNextWriteAsync(proxy.Connection()) == First, TimeSpan.FromSeconds(15), "writes return to writer1");
        var elapsed = Stopwatch.GetElapsedTime(back);
        output.WriteLine($"writes returned to writer1 {elapsed.TotalMilliseconds:0} ms after it answered again (failback_after 3 s)");
        // Healthy from (at the earliest) the moment it answered: not before failback_after (less a check interval of slack).
        Assert.True(elapsed >= TimeSpan.FromSeconds(2.8), $"failback after {elapsed.TotalMilliseconds:0} ms");
        var samples = await MetricsScrape.ScrapeAsync(proxy.Server);
        Assert.Equal(1, samples.Value("switchyard_writer_failovers_total{from=\"writer2\",to=\"writer1\",reason=\"failback\"}"));
        Assert.Contains(proxy.Logs, line => line.Contains("Active writer changed from writer2 to writer1 (failback)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ManualFailbackKeepsWritesOnTheSecondWriterUntilPostWriterMovesThem()
    {
        await using var pair = await MultiPrimaryPair.StartAsync();
        await using var proxy = await ReloadableProxy.StartAsync(pair.ProxyYaml("kind: multi-primary\nfailback: manual\nfailback_after: 200ms"));

        await pair.Writers[0].KillAsync();
        Assert.Equal(Second, await WriterProbe.WriterOfNextWriteAsync(proxy.Connection()));
        // While writer1 is down, moving writes to it is refused.
        var (refused, why) = await WriterProbe.PostWriterAsync(proxy.Server, "writer1");
        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.StartsWith("writer 'writer1' cannot take writes: ", why, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await WriterProbe.PostWriterAsync(proxy.Server, "writer9")).Status);

        await pair.Writers[0].RestartAsync();
        await Poll.UntilAsync(() => WriterProbe.WriterAvailableAsync(proxy.Server, "writer1"), TimeSpan.FromSeconds(10), "the monitor finds writer1 healthy again");
        // Healthy for well over failback_after: manual mode does not care.
        var healthy = Stopwatch.GetTimestamp();
        await Poll.UntilAsync(() => Task.FromResult(Stopwatch.GetElapsedTime(healthy) > TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(5), "a second passed");
        Assert.Equal(Second, await WriterProbe.WriterOfNextWriteAsync(proxy.Connection()));
        Assert.Equal("writer2", await WriterProbe.ActiveWriterAsync(proxy.Server));

        var (moved, body) = await WriterProbe.PostWriterAsync(proxy.Server, "writer1");

        Assert.Equal(HttpStatusCode.OK, moved);
        Assert.Contains("\"active_writer\": \"writer1\"", body, StringComparison.Ordinal);
        Assert.Equal(First, await WriterProbe.WriterOfNextWriteAsync(proxy.Connection()));
        var samples = await MetricsScrape.ScrapeAsync(proxy.Server);
        Assert.Equal(1, samples.Value("switchyard_writer_failovers_total{from=\"writer2\",to=\"writer1\",reason=\"switchover\"}"));
    }

    [Fact]
    public async Task PostWriterSwitchesWritesOverInAutomaticModeAndTheyStayThere()
    {
        await using var pair = await MultiPrimaryPair.StartAsync();
        await using var proxy = await ReloadableProxy.StartAsync(pair.ProxyYaml("kind: multi-primary\nfailback: automatic\nfailback_after: 200ms"));
        Assert.Equal(First, await WriterProbe.WriterOfNextWriteAsync(proxy.Connection()));

        Assert.Equal(HttpStatusCode.OK, (await WriterProbe.PostWriterAsync(proxy.Server, "writer2")).Status);

        // Longer than failback_after: a planned switchover is not undone by automatic failback.
        var switched = Stopwatch.GetTimestamp();
        await Poll.UntilAsync(() => Task.FromResult(Stopwatch.GetElapsedTime(switched) > TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(5), "a second passed");
        Assert.Equal(Second, await WriterProbe.WriterOfNextWriteAsync(proxy.Connection()));
        Assert.Equal("writer2", (await WriterProbe.TopologyAsync(proxy.Server)).GetProperty("switched_to").GetString());
    }
}
