using System.Text.Json;
using Switchyard.IntegrationTests.Configuration;
using Switchyard.IntegrationTests.Support;
using Xunit;

namespace Switchyard.IntegrationTests.MultiPrimary;

/// <summary>The monitor treats a multi-primary writer as writable (read_only must be OFF) and as replicating (its lag
/// is shown, and takes nothing out).</summary>
public sealed class WriterMonitoringTests
{
    [Fact]
    public async Task AWriterWithReadOnlyOnTakesNoWritesAndEachWritersReplicationLagIsShown()
    {
        await using var pair = await MultiPrimaryPair.StartAsync();
        await using var proxy = await ReloadableProxy.StartAsync(pair.ProxyYaml("kind: multi-primary\nfailback: automatic\nfailback_after: 300ms"));
        await Poll.UntilAsync(async () => (await WriterProbe.TopologyAsync(proxy.Server)).GetProperty("writers").EnumerateArray()
            .All(w => w.GetProperty("lag_seconds").ValueKind == JsonValueKind.Number), TimeSpan.FromSeconds(5), "both writers' lag is measured");
        var topology = await WriterProbe.TopologyAsync(proxy.Server);
        Assert.Equal("multi-primary", topology.GetProperty("kind").GetString());
        Assert.Contains("does not take a writer out", topology.GetProperty("note").GetString(), StringComparison.Ordinal);

        await Sql.ExecuteAsync(pair.Writers[0].Root(), "SET GLOBAL read_only = ON");
        await Poll.UntilAsync(async () => await WriterProbe.ActiveWriterAsync(proxy.Server) == "writer2", TimeSpan.FromSeconds(5), "writes move off the read_only writer");

        Assert.Equal(12, await WriterProbe.WriterOfNextWriteAsync(proxy.Connection()));
        var writer1 = (await WriterProbe.TopologyAsync(proxy.Server)).GetProperty("writers").EnumerateArray().Single(w => w.GetProperty("name").GetString() == "writer1");
        Assert.False(writer1.GetProperty("available").GetBoolean());
        Assert.Equal("read_only is ON", writer1.GetProperty("reason").GetString());

        // Writable again: writes come back after failback_after.
        await Sql.ExecuteAsync(pair.Writers[0].Root(), "SET GLOBAL read_only = OFF");
        await Poll.UntilAsync(async () => await WriterProbe.WriterOfNextWriteAsync(proxy.Connection()) == 11, TimeSpan.FromSeconds(10), "writes return to writer1");
    }
}
